# store
store-there-no-task = không có nhiệm vụ { $code }
store-target-database-already-holds-data = cơ sở dữ liệu đích đã có số liệu; chỉ khôi phục vào cơ sở dữ liệu trống
store-account-already-exists = đã có tài khoản { $username }
store-cannot-submission = không thể { $action }: báo cáo đang ở trạng thái { $state }
store-unit-has-values-periods-ending = đơn vị { $code } đã có { $later } số liệu cho các kỳ kết thúc sau ngày { $valid_to }; không thể kết thúc hiệu lực trước đó
store-unit-not-database = không có đơn vị { $unit } trong cơ sở dữ liệu
store-unit-approved-locked-data-set = { $indicator } của đơn vị { $unit } kỳ { $period_code } đã được phê duyệt và khóa (bộ số liệu { $set }, lúc { $at }); người phê duyệt cần mở lại trước khi sửa
store-database-busy-another-write-large = Cơ sở dữ liệu đang bận với một lần ghi khác (ví dụ một lần nhập dữ liệu lớn); chưa ghi gì, xin thử lại sau ít phút
store-unit-submitted-approval-data-set = { $indicator } của đơn vị { $unit } kỳ { $period_code } đã gửi duyệt (bộ số liệu { $set }, lúc { $at }); chỉ sửa được khi cấp duyệt trả lại
store-cannot-submission-2 = không thể { $action }: báo cáo { $unit } đang ở trạng thái { $state }
store-portal-parent-category-unknown = chuyên mục cha “{ $value }” chưa có trên cổng này: khai báo chuyên mục cha trước chuyên mục con
store-article-not-found = không tìm thấy bài viết
store-article-changed-meanwhile = Bài viết vừa được { $who } sửa trong lúc bạn đang xem; chưa ghi gì. Hãy mở lại bài để xem bản mới nhất rồi sửa tiếp
store-engagement-not-found = không tìm thấy mục lịch công tác
store-engagement-changed-meanwhile = Mục lịch này vừa được { $who } sửa trong lúc bạn đang xem; chưa ghi gì. Hãy mở lại lịch để xem bản mới nhất
