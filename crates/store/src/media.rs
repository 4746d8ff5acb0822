//! A portal's pictures and PDF files, in the database: a backup holds them and every instance
//! serves the same bytes. What is stored has already been checked and re-encoded
//! (`solieu_media`); here an upload is only kept, listed and read back.

use crate::portal::Author;
use crate::read::{parse_field, timestamp_text};
use crate::write::list_placeholders;
use crate::{Result, Store};
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Row, Transaction};

/// The characters of the digest that make a file's public address: 80 bits, so no two files
/// of an instance share one by chance, and no address can be guessed.
pub const ADDRESS_LEN: usize = 20;

/// One file served from an upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaFile {
    /// Pixels across; 0 for a PDF.
    pub width: u32,
    pub height: u32,
    pub mime: String,
    pub extension: String,
    pub data: Vec<u8>,
}

/// An upload as an editor sends it, after its checks.
#[derive(Debug, Clone)]
pub struct NewMedia<'a> {
    pub portal: &'a str,
    /// Hex SHA-256 of the bytes as sent.
    pub digest: &'a str,
    pub format: &'a str,
    pub name: &'a str,
    /// The text alternative of a picture, or the title of a PDF.
    pub alt: &'a str,
    pub width: u32,
    pub height: u32,
    pub size: usize,
    pub files: &'a [MediaFile],
}

/// A kept upload and the files it has, without their bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    pub id: i64,
    pub portal: String,
    pub address: String,
    pub format: String,
    pub name: String,
    pub alt: String,
    pub width: u32,
    pub height: u32,
    pub size: i64,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
    /// (width, height, extension) of each file, narrowest first.
    pub files: Vec<(u32, u32, String)>,
}

impl Media {
    pub fn is_pdf(&self) -> bool {
        self.format == "pdf"
    }

    /// The public address of the file `width` pixels across (a PDF's for 0).
    pub fn href(&self, width: u32) -> Option<String> {
        self.files
            .iter()
            .find(|(w, _, _)| *w == width)
            .map(|(w, _, ext)| file_href(&self.address, *w, ext))
    }

    /// The address an article's body names it by: the widest file, or the PDF.
    pub fn main_href(&self) -> Option<String> {
        self.files
            .last()
            .map(|(w, _, ext)| file_href(&self.address, *w, ext))
    }
}

/// `/media/{address}-{width}.{ext}` for a picture, `/media/{address}.pdf` for a PDF.
pub fn file_href(address: &str, width: u32, extension: &str) -> String {
    if width == 0 {
        format!("/media/{address}.{extension}")
    } else {
        format!("/media/{address}-{width}.{extension}")
    }
}

/// What the files' addresses name: the upload's address and the width (0 for a PDF), or
/// nothing for an address that is not one of ours.
pub fn parse_file_name(file: &str) -> Option<(&str, u32)> {
    let (stem, _extension) = file.rsplit_once('.')?;
    let (address, width) = match stem.split_once('-') {
        Some((address, width)) => (address, width.parse().ok()?),
        None => (stem, 0),
    };
    let ours = address.len() == ADDRESS_LEN && address.bytes().all(|b| b.is_ascii_hexdigit());
    ours.then_some((address, width))
}

const MEDIA_COLUMNS: &str =
    "id, portal, address, format, name, alt, width, height, size, uploaded_by, uploaded_at";

fn u32_of(row: &AnyRow, column: &str) -> Result<u32> {
    Ok(u32::try_from(row.try_get::<i64, _>(column)?).unwrap_or(0))
}

fn media_from_row(row: &AnyRow) -> Result<Media> {
    Ok(Media {
        id: row.try_get("id")?,
        portal: row.try_get("portal")?,
        address: row.try_get("address")?,
        format: row.try_get("format")?,
        name: row.try_get("name")?,
        alt: row.try_get("alt")?,
        width: u32_of(row, "width")?,
        height: u32_of(row, "height")?,
        size: row.try_get("size")?,
        uploaded_by: row.try_get("uploaded_by")?,
        uploaded_at: parse_field(&row.try_get::<String, _>("uploaded_at")?, "uploaded_at")?,
        files: Vec::new(),
    })
}

/// Lists of values bound in one statement at most: within any backend's parameter limit.
const LIST_MAX: usize = 500;

impl Store {
    /// Keeps an upload and its files in one transaction. The same bytes sent again to the
    /// same portal are the upload already kept (`UNIQUE (portal, digest)`): it is returned as
    /// it was, two uploads of one file at once included.
    pub async fn add_media(&self, new: &NewMedia<'_>, author: Author<'_>) -> Result<Media> {
        let mut tx = self.begin_write().await?;
        let address = &new.digest[..ADDRESS_LEN.min(new.digest.len())];
        let inserted = sqlx::query(
            "INSERT INTO media (portal, address, digest, format, name, alt, width, height, size, \
             uploaded_by, uploaded_from, uploaded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (portal, digest) DO NOTHING RETURNING id",
        )
        .bind(new.portal)
        .bind(address)
        .bind(new.digest)
        .bind(new.format)
        .bind(new.name)
        .bind(new.alt)
        .bind(i64::from(new.width))
        .bind(i64::from(new.height))
        .bind(i64::try_from(new.size).unwrap_or(i64::MAX))
        .bind(author.username)
        .bind(author.from)
        .bind(timestamp_text(Utc::now()))
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = inserted {
            let id: i64 = row.try_get("id")?;
            for file in new.files {
                insert_file(&mut tx, id, file).await?;
            }
        }
        tx.commit().await?;
        let select = format!("SELECT {MEDIA_COLUMNS} FROM media WHERE portal = $1 AND digest = $2");
        let row = sqlx::query(AssertSqlSafe(select))
            .bind(new.portal)
            .bind(new.digest)
            .fetch_one(&self.pool)
            .await?;
        let mut kept = self.with_files(vec![media_from_row(&row)?]).await?;
        kept.pop()
            .ok_or_else(|| crate::StoreError::Corrupt("an upload just written is missing".into()))
    }

    /// A portal's uploads, the newest first.
    pub async fn media_of(&self, portal: &str, limit: i64) -> Result<Vec<Media>> {
        let select = format!(
            "SELECT {MEDIA_COLUMNS} FROM media WHERE portal = $1 ORDER BY id DESC LIMIT $2"
        );
        let rows = sqlx::query(AssertSqlSafe(select))
            .bind(portal)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        let media = rows
            .iter()
            .map(media_from_row)
            .collect::<Result<Vec<_>>>()?;
        self.with_files(media).await
    }

    /// The uploads at these addresses (what an article's body names), one for each address
    /// found: the same file kept by two portals has one address and the same bytes.
    pub async fn media_at(&self, addresses: &[&str]) -> Result<Vec<Media>> {
        let mut found: Vec<Media> = Vec::new();
        for chunk in addresses.chunks(LIST_MAX) {
            let select = format!(
                "SELECT {MEDIA_COLUMNS} FROM media WHERE address IN ({}) ORDER BY id",
                list_placeholders(self.backend, chunk.len())
            );
            let mut query = sqlx::query(AssertSqlSafe(select));
            for address in chunk {
                query = query.bind(*address);
            }
            for row in query.fetch_all(&self.pool).await? {
                let media = media_from_row(&row)?;
                if !found.iter().any(|m| m.address == media.address) {
                    found.push(media);
                }
            }
        }
        self.with_files(found).await
    }

    /// The uploads with the (width, height, extension) of each of their files, read in one
    /// statement per few hundred uploads.
    async fn with_files(&self, mut media: Vec<Media>) -> Result<Vec<Media>> {
        let ids: Vec<i64> = media.iter().map(|m| m.id).collect();
        for chunk in ids.chunks(LIST_MAX) {
            let select = format!(
                "SELECT media, width, height, extension FROM media_files WHERE media IN ({}) \
                 ORDER BY media, width",
                list_placeholders(self.backend, chunk.len())
            );
            let mut query = sqlx::query(AssertSqlSafe(select));
            for id in chunk {
                query = query.bind(*id);
            }
            for row in query.fetch_all(&self.pool).await? {
                let id: i64 = row.try_get("media")?;
                let file = (
                    u32_of(&row, "width")?,
                    u32_of(&row, "height")?,
                    row.try_get("extension")?,
                );
                if let Some(m) = media.iter_mut().find(|m| m.id == id) {
                    m.files.push(file);
                }
            }
        }
        Ok(media)
    }

    /// The bytes of one file, by the address and width its public address names.
    pub async fn media_file(&self, address: &str, width: u32) -> Result<Option<MediaFile>> {
        let row = sqlx::query(
            "SELECT f.width, f.height, f.mime, f.extension, f.data FROM media_files f \
             JOIN media m ON m.id = f.media WHERE m.address = $1 AND f.width = $2 LIMIT 1",
        )
        .bind(address)
        .bind(i64::from(width))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(MediaFile {
                width: u32_of(&r, "width")?,
                height: u32_of(&r, "height")?,
                mime: r.try_get("mime")?,
                extension: r.try_get("extension")?,
                data: r.try_get("data")?,
            })
        })
        .transpose()
    }
}

async fn insert_file(
    tx: &mut Transaction<'static, Any>,
    media: i64,
    file: &MediaFile,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO media_files (media, width, height, mime, extension, data) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(media)
    .bind(i64::from(file.width))
    .bind(i64::from(file.height))
    .bind(&file.mime)
    .bind(&file.extension)
    .bind(file.data.as_slice())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
