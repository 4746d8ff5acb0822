//! What an editor uploads to the portal: photographs (JPEG, PNG, WebP) and PDF files.
//!
//! Nothing is kept as it was sent. A file is first told by its bytes, not its name (a `.jpg`
//! that is a PNG, or a program renamed `.pdf`, is refused); an image's header is read and its
//! size checked before a pixel is allocated, so a small file that declares a huge picture (a
//! decompression bomb) costs nothing; the pixels are turned upright by their EXIF orientation
//! and encoded again at a few widths for `srcset`, which leaves every piece of metadata (the
//! camera, the place it was taken) behind. A PDF is checked for its header and end marker and
//! kept as it is.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use sha2::Digest as _;
use solieu_i18n::{Text, text};
use std::io::Cursor;

/// The widths a page may ask for; an image is also kept at its own width when that is smaller
/// than the largest.
pub const WIDTHS: &[u32] = &[320, 640, 1024, 1600];

/// JPEG quality of the renditions: photographs of meetings and fields, read on phones.
const JPEG_QUALITY: u8 = 82;

/// What an upload may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of an image file as sent.
    pub image_bytes: usize,
    /// Bytes of a PDF file.
    pub pdf_bytes: usize,
    /// Pixels of a decoded image (width × height).
    pub pixels: u64,
    /// The longest side of a decoded image.
    pub side: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            image_bytes: 15 << 20,
            pdf_bytes: 30 << 20,
            // A 50-megapixel camera's photograph; decoded as RGBA that is 200 MB at most.
            pixels: 50_000_000,
            side: 12_000,
        }
    }
}

impl Limits {
    /// The most an upload of any kind may be: what a request body needs to hold.
    pub fn largest_file(&self) -> usize {
        self.image_bytes.max(self.pdf_bytes)
    }
}

/// A kind of file the portal takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    Webp,
    Pdf,
}

impl Format {
    /// The format the bytes themselves say, by their signature.
    pub fn sniff(bytes: &[u8]) -> Option<Format> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Format::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Format::Png)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Format::Webp)
        } else if bytes.starts_with(b"%PDF-") {
            Some(Format::Pdf)
        } else {
            None
        }
    }

    /// The format a file name claims by its extension.
    pub fn claimed_by(name: &str) -> Option<Format> {
        let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "jpg" | "jpeg" | "jfif" => Some(Format::Jpeg),
            "png" => Some(Format::Png),
            "webp" => Some(Format::Webp),
            "pdf" => Some(Format::Pdf),
            _ => None,
        }
    }

    /// How the store names it.
    pub fn code(self) -> &'static str {
        match self {
            Format::Jpeg => "jpeg",
            Format::Png => "png",
            Format::Webp => "webp",
            Format::Pdf => "pdf",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::Webp => "WebP",
            Format::Pdf => "PDF",
        }
    }

    fn image_format(self) -> Option<ImageFormat> {
        match self {
            Format::Jpeg => Some(ImageFormat::Jpeg),
            Format::Png => Some(ImageFormat::Png),
            Format::Webp => Some(ImageFormat::WebP),
            Format::Pdf => None,
        }
    }
}

/// A file as it is served: its bytes, its type and, for an image, its size in pixels.
#[derive(Clone, PartialEq, Eq)]
pub struct Rendition {
    /// Pixels across; 0 for a PDF.
    pub width: u32,
    pub height: u32,
    pub mime: &'static str,
    /// The extension of its address (`jpg`, `png`, `pdf`).
    pub extension: &'static str,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Rendition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The bytes by their length: a failed test prints a picture as a line, not a page.
        f.debug_struct("Rendition")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("mime", &self.mime)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// An upload made ready to keep: what it is, a digest of what was sent (the same file sent
/// twice is one file), and the files to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub format: Format,
    /// Hex SHA-256 of the bytes as sent.
    pub digest: String,
    /// The picture's size upright; 0 × 0 for a PDF.
    pub width: u32,
    pub height: u32,
    /// Narrowest first; a PDF has one, itself.
    pub renditions: Vec<Rendition>,
}

impl Prepared {
    pub fn is_image(&self) -> bool {
        self.format != Format::Pdf
    }
}

/// Why an upload is refused. Nothing of a refused upload is kept.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MediaError {
    #[error("{name}: the file is empty")]
    Empty { name: String },
    #[error("{name}: not a JPEG, PNG, WebP or PDF file")]
    Unsupported { name: String },
    #[error("{name}: named as {claimed} but its content is {found}")]
    Mismatch {
        name: String,
        claimed: &'static str,
        found: &'static str,
    },
    #[error("{name}: {size} bytes, more than the {max} allowed")]
    TooLarge {
        name: String,
        size: usize,
        max: usize,
    },
    #[error(
        "{name}: {width}×{height} pixels, more than the {max_pixels} pixels or {max_side} across allowed"
    )]
    TooManyPixels {
        name: String,
        width: u32,
        height: u32,
        max_pixels: u64,
        max_side: u32,
    },
    #[error("{name}: the picture cannot be read ({reason})")]
    Undecodable { name: String, reason: String },
    #[error("{name}: not a whole PDF file")]
    BrokenPdf { name: String },
}

impl MediaError {
    /// The refusal as an editor reads it, with what to do.
    pub fn text(&self) -> Text {
        match self {
            MediaError::Empty { name } => text!("media-empty", name = name.as_str()),
            MediaError::Unsupported { name } => text!("media-unsupported", name = name.as_str()),
            MediaError::Mismatch {
                name,
                claimed,
                found,
            } => text!(
                "media-mismatch",
                name = name.as_str(),
                claimed = *claimed,
                found = *found
            ),
            MediaError::TooLarge { name, size, max } => text!(
                "media-too-large",
                name = name.as_str(),
                size = megabytes(*size),
                max = megabytes(*max)
            ),
            MediaError::TooManyPixels {
                name,
                width,
                height,
                max_pixels,
                max_side,
            } => text!(
                "media-too-many-pixels",
                name = name.as_str(),
                width = i64::from(*width),
                height = i64::from(*height),
                megapixels = (*max_pixels / 1_000_000) as i64,
                side = i64::from(*max_side)
            ),
            MediaError::Undecodable { name, reason } => text!(
                "media-undecodable",
                name = name.as_str(),
                reason = reason.as_str()
            ),
            MediaError::BrokenPdf { name } => text!("media-broken-pdf", name = name.as_str()),
        }
    }
}

/// Bytes as whole megabytes, rounded up: a file just over the limit is not told as equal to it.
fn megabytes(bytes: usize) -> i64 {
    i64::try_from((bytes as u64).div_ceil(1 << 20)).unwrap_or(i64::MAX)
}

/// Checks an upload named `name` and makes the files to serve from it.
pub fn prepare(name: &str, bytes: &[u8], limits: &Limits) -> Result<Prepared, MediaError> {
    let name = name.to_string();
    if bytes.is_empty() {
        return Err(MediaError::Empty { name });
    }
    let Some(format) = Format::sniff(bytes) else {
        return Err(MediaError::Unsupported { name });
    };
    if let Some(claimed) = Format::claimed_by(&name)
        && claimed != format
    {
        return Err(MediaError::Mismatch {
            name,
            claimed: claimed.label(),
            found: format.label(),
        });
    }
    let max = match format {
        Format::Pdf => limits.pdf_bytes,
        _ => limits.image_bytes,
    };
    if bytes.len() > max {
        return Err(MediaError::TooLarge {
            name,
            size: bytes.len(),
            max,
        });
    }
    let digest = hex(&sha2::Sha256::digest(bytes));
    if format == Format::Pdf {
        return pdf(name, bytes, digest);
    }
    if format == Format::Jpeg && !jpeg_complete(bytes) {
        return Err(MediaError::Undecodable {
            name,
            reason: "no end-of-image marker".into(),
        });
    }
    let picture = decode(&name, bytes, format, limits)?;
    let renditions = renditions(&name, &picture)?;
    Ok(Prepared {
        format,
        digest,
        width: picture.width(),
        height: picture.height(),
        renditions,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A PDF is kept as sent once it has its header and, near its end, its end-of-file marker: a
/// file cut short in transfer is refused rather than served broken.
fn pdf(name: String, bytes: &[u8], digest: String) -> Result<Prepared, MediaError> {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    let whole =
        bytes.len() > 8 && bytes[5].is_ascii_digit() && tail.windows(5).any(|w| w == b"%%EOF");
    if !whole {
        return Err(MediaError::BrokenPdf { name });
    }
    Ok(Prepared {
        format: Format::Pdf,
        digest,
        width: 0,
        height: 0,
        renditions: vec![Rendition {
            width: 0,
            height: 0,
            mime: "application/pdf",
            extension: "pdf",
            bytes: bytes.to_vec(),
        }],
    })
}

/// Whether a JPEG ends as a whole file does, with its end-of-image marker (a few bytes after
/// it are tolerated: some cameras pad). The decoder itself shows a file cut short as a grey
/// lower half, which would then be published.
fn jpeg_complete(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    tail.windows(2).any(|w| w == [0xFF, 0xD9])
}

/// The picture upright, decoded only if its declared size is within the limits.
fn decode(
    name: &str,
    bytes: &[u8],
    format: Format,
    limits: &Limits,
) -> Result<DynamicImage, MediaError> {
    let undecodable = |e: image::ImageError| MediaError::Undecodable {
        name: name.to_string(),
        reason: e.to_string(),
    };
    let image_format = format
        .image_format()
        .ok_or_else(|| MediaError::Unsupported {
            name: name.to_string(),
        })?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format);
    let mut decoder_limits = image::Limits::default();
    decoder_limits.max_image_width = Some(limits.side);
    decoder_limits.max_image_height = Some(limits.side);
    decoder_limits.max_alloc = Some(limits.pixels.saturating_mul(4) + (64 << 20));
    reader.limits(decoder_limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| too_big_or(name, e, limits))?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > limits.pixels
        || width > limits.side
        || height > limits.side
    {
        return Err(too_many_pixels(name, width, height, limits));
    }
    let orientation = decoder.orientation().map_err(undecodable)?;
    let mut picture =
        DynamicImage::from_decoder(decoder).map_err(|e| too_big_or(name, e, limits))?;
    picture.apply_orientation(orientation);
    Ok(picture)
}

fn too_many_pixels(name: &str, width: u32, height: u32, limits: &Limits) -> MediaError {
    MediaError::TooManyPixels {
        name: name.to_string(),
        width,
        height,
        max_pixels: limits.pixels,
        max_side: limits.side,
    }
}

/// A decoder that stopped at a limit is a picture too large; any other failure is a file that
/// cannot be read.
fn too_big_or(name: &str, error: image::ImageError, limits: &Limits) -> MediaError {
    match error {
        image::ImageError::Limits(_) => too_many_pixels(name, 0, 0, limits),
        e => MediaError::Undecodable {
            name: name.to_string(),
            reason: e.to_string(),
        },
    }
}

/// The widths a picture `width` pixels across is kept at: each standard width below it, and
/// its own width up to the largest.
pub fn widths_for(width: u32) -> Vec<u32> {
    let largest = *WIDTHS.last().unwrap_or(&1600);
    let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|w| *w < width).collect();
    let own = width.min(largest);
    if !widths.contains(&own) {
        widths.push(own);
    }
    widths
}

/// The picture encoded at each of its widths, the widest first made from the original and
/// each narrower from the one above it (faster, and as sharp at these ratios).
fn renditions(name: &str, picture: &DynamicImage) -> Result<Vec<Rendition>, MediaError> {
    let opaque = is_opaque(picture);
    let mut source = picture.clone();
    let mut out = Vec::new();
    for width in widths_for(picture.width()).into_iter().rev() {
        if source.width() != width {
            let height = scaled_height(picture, width);
            source = source.resize_exact(width, height, FilterType::CatmullRom);
        }
        out.push(encode(name, &source, opaque)?);
    }
    out.reverse();
    Ok(out)
}

/// Whether every pixel is fully opaque: a picture saved with a transparency channel it does
/// not use (common from phones and editors) is still a photograph.
fn is_opaque(picture: &DynamicImage) -> bool {
    if !picture.color().has_alpha() {
        return true;
    }
    match picture {
        DynamicImage::ImageRgba8(p) => p.pixels().all(|px| px[3] == u8::MAX),
        DynamicImage::ImageLumaA8(p) => p.pixels().all(|px| px[1] == u8::MAX),
        other => other.to_rgba8().pixels().all(|px| px[3] == u8::MAX),
    }
}

fn scaled_height(picture: &DynamicImage, width: u32) -> u32 {
    let height = u64::from(picture.height()) * u64::from(width) / u64::from(picture.width().max(1));
    u32::try_from(height).unwrap_or(u32::MAX).max(1)
}

/// A photograph as JPEG; a picture with transparency (a logo, a chart) as PNG.
fn encode(name: &str, picture: &DynamicImage, opaque: bool) -> Result<Rendition, MediaError> {
    let mut bytes = Vec::new();
    let written = if opaque {
        picture
            .to_rgb8()
            .write_with_encoder(JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY))
    } else {
        picture
            .to_rgba8()
            .write_with_encoder(PngEncoder::new(&mut bytes))
    };
    written.map_err(|e| MediaError::Undecodable {
        name: name.to_string(),
        reason: e.to_string(),
    })?;
    let (mime, extension) = if opaque {
        ("image/jpeg", "jpg")
    } else {
        ("image/png", "png")
    };
    Ok(Rendition {
        width: picture.width(),
        height: picture.height(),
        mime,
        extension,
        bytes,
    })
}
