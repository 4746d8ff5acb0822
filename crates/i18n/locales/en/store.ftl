# store
store-there-no-task = there is no task { $code }
store-target-database-already-holds-data = the target database already holds data; restore only into an empty database
store-account-already-exists = the account { $username } already exists
store-cannot-submission = cannot { $action }: the submission is { $state }
store-unit-has-values-periods-ending = unit { $code } has { $later } values for periods ending after { $valid_to }; it cannot end before them
store-unit-not-database = unit { $unit } is not in the database
store-unit-approved-locked-data-set = { $indicator } of unit { $unit } for { $period_code } is approved and locked (data set { $set }, at { $at }); an approver must reopen it before it changes
store-database-busy-another-write-large = The database is busy with another write (a large import, say); nothing was saved, try again in a few minutes
store-unit-submitted-approval-data-set = { $indicator } of unit { $unit } for { $period_code } is submitted for approval (data set { $set }, at { $at }); it changes only once an approval level returns it
store-cannot-submission-2 = cannot { $action }: the submission of { $unit } is { $state }
store-portal-parent-category-unknown = the parent category “{ $value }” is not on this portal: declare a parent before its children
store-article-not-found = no such article
store-article-changed-meanwhile = { $who } changed this article while you had it open; nothing was saved. Open it again to see the latest version, then make your change
store-engagement-not-found = no such engagement in the schedule
store-engagement-changed-meanwhile = { $who } changed this engagement while you had it open; nothing was saved. Open the schedule again to see the latest version
