//! Pictures and PDF files of a portal: the editors' library where they are uploaded (each
//! picture with its text alternative) and the public addresses they are served from.
//!
//! An upload goes through `solieu_media` (told by its bytes, decoded within limits, re-encoded
//! without metadata at a few widths) before anything is stored; a refusal stores nothing. A
//! file's address holds the start of its digest, so its content never changes: it is served
//! with a year-long, immutable cache.

use super::{Worked, portal_for};
use crate::auth::{self, ClientAddr, Viewer};
use crate::pages::{PageLang, render};
use crate::policy::Principal;
use crate::{App, Shared, WebError};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use solieu_core::format;
use solieu_core::problem::{Lang, Text};
use solieu_media::{Limits, MediaError, Prepared};
use solieu_store::{Media, MediaFile, NewMedia};

/// What a picture's text alternative may hold (characters).
const ALT_MAX: usize = 300;
/// Uploads shown in the library.
const LIBRARY_SIZE: i64 = 60;

/// A request body that holds the largest file and the form's few fields.
pub fn upload_body_limit() -> usize {
    Limits::default().largest_file() + (64 << 10)
}

#[derive(Deserialize, Default)]
pub struct LibraryQuery {
    pub cong: Option<String>,
    /// The upload just made, shown first with what to paste.
    pub moi: Option<String>,
}

pub async fn library(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    Viewer(who): Viewer,
    Query(q): Query<LibraryQuery>,
) -> Result<Response, WebError> {
    let worked = portal_for(&app, &who, q.cong.as_deref()).await?;
    let page = Library {
        fresh: q.moi.as_deref(),
        ..Library::default()
    };
    library_page(&app, lang, &who, &worked, page, StatusCode::OK).await
}

/// What the library shows besides the uploads: the one just made, or why one was refused
/// with the text alternative as typed.
#[derive(Default)]
struct Library<'a> {
    fresh: Option<&'a str>,
    refusal: Option<Text>,
    alt: &'a str,
}

async fn library_page(
    app: &App,
    lang: Lang,
    who: &Principal,
    worked: &Worked,
    page: Library<'_>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let portal = worked.portal();
    let uploads: Vec<Value> = app
        .store
        .media_of(&portal.code, LIBRARY_SIZE)
        .await?
        .iter()
        .map(|m| upload_card(m, page.fresh))
        .collect();
    let limits = Limits::default();
    let context = json!({
        "portal": {"code": portal.code, "name": portal.name},
        "portals": worked.all.iter().map(|(p, _)| json!({"code": p.code, "name": p.name})).collect::<Vec<_>>(),
        "uploads": uploads,
        "problem": page.refusal.map(|t| t.get(lang).to_string()),
        "alt": page.alt,
        "max_image_mb": limits.image_bytes >> 20,
        "max_pdf_mb": limits.pdf_bytes >> 20,
    });
    let html = render(app, lang, Some(who), "portal/media.html", context)?;
    Ok((status, html).into_response())
}

/// An upload as the library lists it, with the line an editor pastes into a body.
fn upload_card(media: &Media, fresh: Option<&str>) -> Value {
    let href = media.main_href().unwrap_or_default();
    let alt = media.alt.replace(['[', ']'], "");
    let markdown = if media.is_pdf() {
        format!("[{alt}]({href})")
    } else {
        format!("![{alt}]({href})")
    };
    json!({
        "address": media.address,
        "pdf": media.is_pdf(),
        "thumbnail": media.href(media.files.first().map_or(0, |f| f.0)),
        "href": href,
        "name": media.name,
        "alt": media.alt,
        "size": format::number_vi(rust_decimal::Decimal::from(media.size) / rust_decimal::Decimal::from(1024), 0),
        "dimensions": (!media.is_pdf()).then(|| format!("{}×{}", media.width, media.height)),
        "uploaded": format::date_time_vi(media.uploaded_at),
        "uploaded_by": media.uploaded_by,
        "markdown": markdown,
        "fresh": fresh == Some(media.address.as_str()),
    })
}

#[derive(Default)]
struct UploadForm {
    csrf: Option<String>,
    portal: String,
    alt: String,
    file: Option<(String, Vec<u8>)>,
}

/// The multipart form's fields; a body over the limit is told as a file too large.
async fn read_upload(mut multipart: Multipart) -> Result<UploadForm, WebError> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            WebError::TooLarge
        } else {
            WebError::BadRequest(solieu_i18n::text!("web-cannot-read-upload", e = e))
        }
    };
    let mut form = UploadForm::default();
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("csrf") => form.csrf = Some(field.text().await.map_err(unreadable)?),
            Some("portal") => form.portal = field.text().await.map_err(unreadable)?,
            Some("alt") => form.alt = field.text().await.map_err(unreadable)?,
            Some("file") => {
                let name = field.file_name().unwrap_or("tep").to_string();
                let bytes = field.bytes().await.map_err(unreadable)?;
                if !bytes.is_empty() || !name.is_empty() {
                    form.file = Some((name, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    Ok(form)
}

pub async fn upload(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    Viewer(who): Viewer,
    client: ClientAddr,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let mut form = read_upload(multipart).await?;
    auth::check_csrf(&who, form.csrf.as_deref())?;
    let worked = portal_for(&app, &who, Some(&form.portal)).await?;
    let alt = solieu_core::text::clean(&form.alt);
    let refused = |text: Text| {
        let page = Library {
            refusal: Some(text),
            alt: &form.alt,
            ..Library::default()
        };
        library_page(
            &app,
            lang,
            &who,
            &worked,
            page,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let Some((name, bytes)) = form.file.take().filter(|(_, b)| !b.is_empty()) else {
        return refused(solieu_i18n::text!("web-no-file-chosen")).await;
    };
    let size = bytes.len();
    let prepared = match prepared(name.clone(), bytes).await? {
        Ok(prepared) => prepared,
        Err(e) => return refused(e.text()).await,
    };
    if let Some(problem) = alt_problem(&alt, &prepared) {
        return refused(problem).await;
    }
    let upload = Upload {
        portal: &worked.portal().code,
        name: &name,
        alt: &alt,
        size,
    };
    let from = super::from_of(&client);
    let kept = keep(&app, upload, prepared, super::author(&who, &from)).await?;
    Ok(Redirect::to(&format!(
        "/bien-tap/tep?cong={}&moi={}",
        super::url_encode(&worked.portal().code),
        kept.address
    ))
    .into_response())
}

/// Decoding and encoding take a processor for a moment: off the threads that answer requests.
async fn prepared(name: String, bytes: Vec<u8>) -> Result<Result<Prepared, MediaError>, WebError> {
    tokio::task::spawn_blocking(move || solieu_media::prepare(&name, &bytes, &Limits::default()))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))
}

/// A picture needs its text alternative (WCAG 1.1.1); a PDF may go without (its name is shown).
fn alt_problem(alt: &str, prepared: &Prepared) -> Option<Text> {
    let length = alt.chars().count();
    if prepared.is_image() && alt.is_empty() {
        Some(solieu_i18n::text!("portal-upload-needs-alt"))
    } else if length > ALT_MAX {
        Some(solieu_i18n::text!(
            "portal-field-too-long",
            length = length,
            max = ALT_MAX
        ))
    } else {
        None
    }
}

/// An upload as sent, its checks passed.
struct Upload<'a> {
    portal: &'a str,
    name: &'a str,
    alt: &'a str,
    /// Bytes as sent.
    size: usize,
}

/// Keeps the files made from an upload (moved, not copied: a PDF may be 30 MB).
async fn keep(
    app: &App,
    upload: Upload<'_>,
    prepared: Prepared,
    author: solieu_store::Author<'_>,
) -> Result<Media, WebError> {
    let shown_name: String = upload.name.chars().take(200).collect();
    let new = NewMedia {
        portal: upload.portal,
        digest: &prepared.digest,
        format: prepared.format.code(),
        name: &shown_name,
        alt: if upload.alt.is_empty() {
            &shown_name
        } else {
            upload.alt
        },
        width: prepared.width,
        height: prepared.height,
        size: upload.size,
        files: &prepared
            .renditions
            .into_iter()
            .map(|r| MediaFile {
                width: r.width,
                height: r.height,
                mime: r.mime.to_string(),
                extension: r.extension.to_string(),
                data: r.bytes,
            })
            .collect::<Vec<_>>(),
    };
    Ok(app.store.add_media(&new, author).await?)
}

/// A year: the longest a cache is asked to keep anything.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// One file of an upload, by its public address.
pub async fn serve(
    State(app): State<Shared>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let missing = || WebError::NotFound(solieu_i18n::text!("web-there-no-such-page-check"));
    let (address, width) = solieu_store::parse_file_name(&file).ok_or_else(missing)?;
    let tag = format!("\"{address}-{width}\"");
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag))
    {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, tag),
                (header::CACHE_CONTROL, IMMUTABLE.into()),
            ],
        )
            .into_response());
    }
    let stored = app
        .store
        .media_file(address, width)
        .await?
        .filter(|f| file.ends_with(&format!(".{}", f.extension)))
        .ok_or_else(missing)?;
    let mut response = stored.data.into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, stored.mime.as_str()),
        (header::CACHE_CONTROL, IMMUTABLE),
        (header::ETAG, tag.as_str()),
    ] {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    }
    if stored.width == 0 {
        headers.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("inline"),
        );
    }
    Ok(response)
}
