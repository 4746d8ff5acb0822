//! What happens to a file an editor uploads: pictures come out upright, without metadata, at
//! the widths a page asks for; anything that is not what it says, too large, or a bomb is
//! refused with the reason.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{DynamicImage, ImageEncoder, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use proptest::prelude::*;
use solieu_i18n::Lang;
use solieu_media::{Format, Limits, MediaError, WIDTHS, prepare, widths_for};

/// A photograph-like gradient, so a wrong orientation or scale shows in the pixels.
fn photo(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 90])
    })
}

/// A little-endian EXIF block holding an orientation and a camera's make, as a phone writes.
fn exif(orientation: u8) -> Vec<u8> {
    let mut exif = b"II\x2a\x00\x08\x00\x00\x00\x02\x00".to_vec();
    // Make (0x010f), ASCII, 4 bytes inline: "Cam\0".
    exif.extend_from_slice(&[0x0f, 0x01, 0x02, 0x00, 0x04, 0, 0, 0, b'C', b'a', b'm', 0]);
    // Orientation (0x0112), SHORT, 1 value.
    exif.extend_from_slice(&[0x12, 0x01, 0x03, 0x00, 0x01, 0, 0, 0, orientation, 0, 0, 0]);
    exif.extend_from_slice(&[0, 0, 0, 0]);
    exif
}

fn jpeg(picture: &RgbImage, orientation: Option<u8>) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = JpegEncoder::new_with_quality(&mut bytes, 90);
    if let Some(o) = orientation {
        encoder.set_exif_metadata(exif(o)).unwrap();
    }
    encoder
        .write_image(
            picture.as_raw(),
            picture.width(),
            picture.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    bytes
}

fn png_rgba(picture: &RgbaImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    PngEncoder::new(&mut bytes)
        .write_image(
            picture.as_raw(),
            picture.width(),
            picture.height(),
            image::ExtendedColorType::Rgba8,
        )
        .unwrap();
    bytes
}

fn decoded(bytes: &[u8], format: ImageFormat) -> DynamicImage {
    image::load_from_memory_with_format(bytes, format).unwrap()
}

#[test]
fn a_photograph_is_kept_at_each_width_as_jpeg_without_its_metadata() {
    let sent = jpeg(&photo(2400, 1200), Some(1));
    assert!(sent.windows(4).any(|w| w == b"Exif") && sent.windows(3).any(|w| w == b"Cam"));
    let prepared = prepare("hoi-nghi.jpg", &sent, &Limits::default()).unwrap();
    assert_eq!(prepared.format, Format::Jpeg);
    assert_eq!((prepared.width, prepared.height), (2400, 1200));
    let widths: Vec<u32> = prepared.renditions.iter().map(|r| r.width).collect();
    assert_eq!(widths, WIDTHS.to_vec());
    for r in &prepared.renditions {
        assert_eq!((r.mime, r.extension), ("image/jpeg", "jpg"));
        assert_eq!(r.height, r.width / 2);
        let back = decoded(&r.bytes, ImageFormat::Jpeg);
        assert_eq!((back.width(), back.height()), (r.width, r.height));
        assert!(
            !r.bytes.windows(4).any(|w| w == b"Exif"),
            "EXIF left at {}",
            r.width
        );
        assert!(!r.bytes.windows(3).any(|w| w == b"Cam"));
    }
    // The left edge is dark red, the right bright: scaled, not cropped or mirrored.
    let small = decoded(&prepared.renditions[0].bytes, ImageFormat::Jpeg).to_rgb8();
    assert!(small.get_pixel(2, 80)[0] < 40 && small.get_pixel(317, 80)[0] > 215);
}

#[test]
fn a_phone_photo_taken_sideways_comes_out_upright() {
    // Orientation 6: the stored pixels must be turned 90° clockwise to be seen upright.
    let sent = jpeg(&photo(400, 200), Some(6));
    let prepared = prepare("anh-dien-thoai.jpeg", &sent, &Limits::default()).unwrap();
    assert_eq!((prepared.width, prepared.height), (200, 400));
    let r = prepared.renditions.last().unwrap();
    assert_eq!((r.width, r.height), (200, 400));
    let upright = decoded(&r.bytes, ImageFormat::Jpeg).to_rgb8();
    let turned = image::imageops::rotate90(&photo(400, 200));
    for (x, y) in [(10, 10), (190, 10), (10, 390), (190, 390)] {
        let (a, b) = (upright.get_pixel(x, y), turned.get_pixel(x, y));
        for c in 0..3 {
            assert!(a[c].abs_diff(b[c]) < 24, "{x},{y}: {a:?} against {b:?}");
        }
    }
}

#[test]
fn a_logo_with_transparency_stays_png_and_a_small_picture_keeps_its_width() {
    let logo = RgbaImage::from_fn(200, 120, |x, _| Rgba([200, 30, 30, (x % 256) as u8]));
    let prepared = prepare("logo.png", &png_rgba(&logo), &Limits::default()).unwrap();
    assert_eq!(prepared.renditions.len(), 1);
    let r = &prepared.renditions[0];
    assert_eq!((r.width, r.height, r.mime), (200, 120, "image/png"));
    let back = decoded(&r.bytes, ImageFormat::Png).to_rgba8();
    assert_eq!(back.get_pixel(100, 60)[3], 100);
    assert_eq!(widths_for(800), vec![320, 640, 800]);
    assert_eq!(widths_for(640), vec![320, 640]);
    assert_eq!(widths_for(5000), vec![320, 640, 1024, 1600]);
}

#[test]
fn a_webp_picture_is_taken_and_served_as_jpeg() {
    let mut bytes = Vec::new();
    let picture = DynamicImage::ImageRgb8(photo(700, 350)).to_rgba8();
    WebPEncoder::new_lossless(&mut bytes)
        .write_image(picture.as_raw(), 700, 350, image::ExtendedColorType::Rgba8)
        .unwrap();
    let prepared = prepare("ruong-bac-thang.webp", &bytes, &Limits::default()).unwrap();
    assert_eq!(prepared.format, Format::Webp);
    // Fully opaque: a photograph, whatever channels its file had.
    let widths: Vec<(u32, &str)> = prepared
        .renditions
        .iter()
        .map(|r| (r.width, r.mime))
        .collect();
    assert_eq!(
        widths,
        vec![
            (320, "image/jpeg"),
            (640, "image/jpeg"),
            (700, "image/jpeg")
        ]
    );
}

#[test]
fn the_same_file_sent_twice_has_one_digest() {
    let sent = jpeg(&photo(300, 200), None);
    let a = prepare("a.jpg", &sent, &Limits::default()).unwrap();
    let b = prepare("b.jpg", &sent, &Limits::default()).unwrap();
    assert_eq!(a.digest, b.digest);
    assert_eq!(a.digest.len(), 64);
    let other = prepare("c.jpg", &jpeg(&photo(301, 200), None), &Limits::default()).unwrap();
    assert_ne!(a.digest, other.digest);
}

#[test]
fn a_file_that_is_not_what_its_name_says_is_refused() {
    let png = png_rgba(&RgbaImage::new(4, 4));
    assert_eq!(
        prepare("anh.jpg", &png, &Limits::default()).unwrap_err(),
        MediaError::Mismatch {
            name: "anh.jpg".into(),
            claimed: "JPEG",
            found: "PNG"
        }
    );
    for (name, bytes) in [
        (
            "trang.jpg",
            b"<html><script>alert(1)</script></html>".to_vec(),
        ),
        ("chuong-trinh.pdf", b"MZ\x90\x00\x03\x00\x00\x00".to_vec()),
        ("anh.svg", b"<svg onload=alert(1)>".to_vec()),
    ] {
        assert_eq!(
            prepare(name, &bytes, &Limits::default()).unwrap_err(),
            MediaError::Unsupported { name: name.into() }
        );
    }
    assert_eq!(
        prepare("rong.png", b"", &Limits::default()).unwrap_err(),
        MediaError::Empty {
            name: "rong.png".into()
        }
    );
}

#[test]
fn a_file_over_the_limit_is_refused_before_it_is_read() {
    let limits = Limits {
        image_bytes: 1000,
        ..Limits::default()
    };
    let sent = jpeg(&photo(600, 400), None);
    match prepare("lon.jpg", &sent, &limits).unwrap_err() {
        MediaError::TooLarge { size, max, .. } => assert_eq!((size, max), (sent.len(), 1000)),
        other => panic!("{other:?}"),
    }
}

/// CRC-32 of PNG chunks (ISO 3309), for a header edited by hand.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG of a few dozen bytes whose header declares `width` × `height`: decoded naively it
/// would take width × height bytes of memory.
fn png_declaring(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    PngEncoder::new(&mut bytes)
        .write_image(&[0], 1, 1, image::ExtendedColorType::L8)
        .unwrap();
    // The IHDR chunk starts at byte 8: length (4), type (4), width, height, then its CRC.
    bytes[16..20].copy_from_slice(&width.to_be_bytes());
    bytes[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

#[test]
fn a_decompression_bomb_is_refused_by_its_declared_size() {
    let bomb = png_declaring(60_000, 60_000);
    assert!(bomb.len() < 100);
    assert!(matches!(
        prepare("bom.png", &bomb, &Limits::default()).unwrap_err(),
        MediaError::TooManyPixels { .. }
    ));
    // Within each side's limit, over the pixels': 9,000 × 9,000 is 81 million.
    match prepare("bom2.png", &png_declaring(9_000, 9_000), &Limits::default()).unwrap_err() {
        MediaError::TooManyPixels { width, height, .. } => {
            assert_eq!((width, height), (9_000, 9_000))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_picture_cut_short_is_refused_as_unreadable() {
    let sent = jpeg(&photo(800, 600), None);
    let cut = &sent[..sent.len() / 3];
    assert!(matches!(
        prepare("dut.jpg", cut, &Limits::default()).unwrap_err(),
        MediaError::Undecodable { .. }
    ));
}

#[test]
fn a_pdf_is_kept_as_sent_and_one_cut_short_is_refused() {
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    let prepared = prepare("256-KH-UBND.pdf", pdf, &Limits::default()).unwrap();
    assert!(!prepared.is_image());
    assert_eq!(prepared.renditions.len(), 1);
    assert_eq!(prepared.renditions[0].bytes, pdf.to_vec());
    assert_eq!(prepared.renditions[0].mime, "application/pdf");
    assert_eq!(
        prepare("256-KH-UBND.pdf", &pdf[..40], &Limits::default()).unwrap_err(),
        MediaError::BrokenPdf {
            name: "256-KH-UBND.pdf".into()
        }
    );
}

#[test]
fn every_refusal_names_the_file_in_both_languages() {
    let refusals = [
        prepare("a.png", b"", &Limits::default()).unwrap_err(),
        prepare("b.jpg", b"hello", &Limits::default()).unwrap_err(),
        prepare(
            "c.jpg",
            &png_rgba(&RgbaImage::new(2, 2)),
            &Limits::default(),
        )
        .unwrap_err(),
        prepare("d.png", &png_declaring(60_000, 2), &Limits::default()).unwrap_err(),
        prepare("e.pdf", b"%PDF-1.4 cut", &Limits::default()).unwrap_err(),
    ];
    for refusal in refusals {
        let name = match &refusal {
            MediaError::Empty { name }
            | MediaError::Unsupported { name }
            | MediaError::Mismatch { name, .. }
            | MediaError::TooLarge { name, .. }
            | MediaError::TooManyPixels { name, .. }
            | MediaError::Undecodable { name, .. }
            | MediaError::BrokenPdf { name } => name.clone(),
        };
        let text = refusal.text();
        for lang in [Lang::Vi, Lang::En] {
            let said = text.get(lang);
            assert!(said.contains(&name), "{said}");
            assert!(!said.contains("{ $"), "{said}");
        }
        assert!(text.get(Lang::Vi).contains("Tệp") || text.get(Lang::Vi).contains("Ảnh"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever follows a format's signature, the answer is a picture or a refusal.
    #[test]
    fn any_bytes_give_an_answer(
        signature in prop::sample::select(vec![
            b"\xFF\xD8\xFF".to_vec(),
            b"\x89PNG\r\n\x1a\n".to_vec(),
            b"RIFF\x00\x00\x00\x00WEBP".to_vec(),
            b"%PDF-".to_vec(),
        ]),
        rest in prop::collection::vec(any::<u8>(), 0..2048),
    ) {
        let mut bytes = signature;
        bytes.extend(rest);
        let _ = prepare("tep", &bytes, &Limits::default());
    }
}
