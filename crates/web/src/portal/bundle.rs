//! A portal's content as one JSON file: portals with their categories, links and grants, and
//! articles with their state and publication time. The demo loads its portal this way; a
//! province moving its old portal's articles in can write the same file.

use super::markup;
use crate::WebError;
use serde::Deserialize;
use solieu_core::format::parse_form_time;
use solieu_core::portal::{Action, State};
use solieu_store::{ArticleStep, ArticleText, Author, NewCategory, Portal, PortalLink, Store};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    pub portals: Vec<BundlePortal>,
    #[serde(default)]
    pub articles: Vec<BundleArticle>,
    #[serde(default)]
    pub schedule: Vec<BundleEngagement>,
}

/// An engagement of the work schedule; `published` ones are published with their week.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleEngagement {
    pub portal: String,
    pub day: chrono::NaiveDate,
    pub start: String,
    pub content: String,
    #[serde(default)]
    pub chair: String,
    #[serde(default)]
    pub participants: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub preparer: String,
    #[serde(default)]
    pub published: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundlePortal {
    pub code: String,
    pub unit_code: String,
    pub name: String,
    #[serde(default)]
    pub is_main: bool,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub about: String,
    #[serde(default)]
    pub categories: Vec<BundleCategory>,
    #[serde(default)]
    pub links: Vec<BundleLink>,
    #[serde(default)]
    pub grants: Vec<BundleGrant>,
    /// Indicator codes shown as the home page's headline figures, once approved.
    #[serde(default)]
    pub headline: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleCategory {
    pub slug: String,
    pub name: String,
    pub parent: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleLink {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleGrant {
    pub username: String,
    pub role: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleArticle {
    pub portal: String,
    pub category: Option<String>,
    pub title: String,
    #[serde(default)]
    pub sapo: String,
    pub body: String,
    #[serde(default)]
    pub byline: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub featured: bool,
    /// Vietnam's time ("2020-07-01T15:56"); with it the article is published then.
    pub published_at: Option<String>,
    /// `draft` or `submitted` for an article not published.
    pub state: Option<String>,
}

fn invalid(what: String) -> WebError {
    WebError::BadRequest(solieu_core::problem::Text::verbatim(what))
}

/// Writes a bundle: portals first, then each article as created and stepped by `by`, so its
/// history reads as the import.
pub async fn load(store: &Store, bundle: &Bundle, by: &str) -> Result<(), WebError> {
    for p in &bundle.portals {
        if super::RESERVED_CODES.contains(&p.code.as_str()) {
            return Err(invalid(format!("portal code {} is reserved", p.code)));
        }
        let portal = Portal {
            code: p.code.clone(),
            unit_code: p.unit_code.clone(),
            name: p.name.clone(),
            is_main: p.is_main,
            address: p.address.clone(),
            phone: p.phone.clone(),
            email: p.email.clone(),
            about: p.about.clone(),
            headline: p.headline.clone(),
        };
        let categories: Vec<NewCategory> = p
            .categories
            .iter()
            .map(|c| NewCategory {
                slug: c.slug.clone(),
                name: c.name.clone(),
                parent: c.parent.clone(),
            })
            .collect();
        let links: Vec<PortalLink> = p
            .links
            .iter()
            .map(|l| PortalLink {
                name: l.name.clone(),
                url: l.url.clone(),
            })
            .collect();
        store.put_portal(&portal, &categories, &links, by).await?;
        for g in &p.grants {
            store.grant(&g.username, &p.code, Some(&g.role), by).await?;
        }
    }
    let author = Author {
        username: by,
        from: "bundle",
    };
    for a in &bundle.articles {
        let categories = store.categories(&a.portal).await?;
        let category = match &a.category {
            Some(slug) => Some(
                categories
                    .iter()
                    .find(|c| &c.slug == slug)
                    .map(|c| c.id)
                    .ok_or_else(|| invalid(format!("category {slug} of “{}”", a.title)))?,
            ),
            None => None,
        };
        let text = ArticleText {
            category,
            title: a.title.clone(),
            sapo: a.sapo.clone(),
            body_html: markup::body_html(&a.body),
            body: a.body.clone(),
            byline: a.byline.clone(),
            source: a.source.clone(),
            featured: a.featured,
        };
        let article = store.create_article(&a.portal, &text, author).await?;
        let (action, state, at) = match (&a.published_at, a.state.as_deref()) {
            (Some(at), _) => {
                let at = parse_form_time(at)
                    .ok_or_else(|| invalid(format!("published_at {at} of “{}”", a.title)))?;
                (Action::Publish, State::Published, Some(at))
            }
            (None, Some("submitted")) => (Action::Submit, State::Submitted, None),
            _ => continue,
        };
        let step = ArticleStep {
            action: action.code(),
            state: state.code(),
            published_at: at,
            reason: "",
        };
        store
            .step_article(article.id, article.revision, step, author)
            .await?;
    }
    load_schedule(store, &bundle.schedule, author).await
}

async fn load_schedule(
    store: &Store,
    schedule: &[BundleEngagement],
    author: Author<'_>,
) -> Result<(), WebError> {
    let mut to_publish = std::collections::BTreeSet::new();
    for e in schedule {
        let engagement = solieu_store::Engagement {
            day: e.day,
            start: e.start.clone(),
            content: e.content.clone(),
            chair: e.chair.clone(),
            participants: e.participants.clone(),
            place: e.place.clone(),
            preparer: e.preparer.clone(),
        };
        store.add_engagement(&e.portal, &engagement, author).await?;
        if e.published {
            to_publish.insert((e.portal.clone(), super::schedule::week_of(e.day)));
        }
    }
    for (portal, (monday, sunday)) in to_publish {
        store.publish_week(&portal, monday, sunday, author).await?;
    }
    Ok(())
}
