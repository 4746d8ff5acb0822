//! An article's body: written in Markdown, stored beside its HTML, and shown only after the
//! HTML went through an allow-list of tags and attributes (ammonia). Script, event handlers,
//! `javascript:` addresses and styles never reach a page, whatever an editor pastes.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use solieu_core::text::escape_markup as escape;
use solieu_store::{Media, parse_file_name};
use std::sync::OnceLock;

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_SMART_PUNCTUATION
}

fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .url_schemes(["http", "https", "mailto", "tel"].into())
            .link_rel(Some("noopener noreferrer nofollow"))
            .add_tag_attributes("img", ["srcset", "sizes", "loading", "decoding"])
            .attribute_filter(|_, attribute, value| match attribute {
                // Only the widths of our own uploads; a pasted srcset could name any address.
                "srcset" => value
                    .split(',')
                    .all(|c| c.trim().starts_with("/media/"))
                    .then(|| value.into()),
                "loading" => matches!(value, "lazy" | "eager").then(|| value.into()),
                "decoding" => matches!(value, "async" | "sync" | "auto").then(|| value.into()),
                _ => Some(value.into()),
            });
        builder
    })
}

/// The body's HTML, safe to put in a page as it is.
pub fn body_html(markdown: &str) -> String {
    body_html_with(markdown, &[])
}

/// The body's HTML, each picture uploaded to the portal (`media`) given every width it is
/// kept at, so a phone loads the narrow one.
pub fn body_html_with(markdown: &str, media: &[Media]) -> String {
    let mut html = String::with_capacity(markdown.len() * 5 / 4);
    let events = with_responsive_images(Parser::new_ext(markdown, options()), media);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    sanitize(&html)
}

/// How wide a picture is shown: the article's column on a wide screen, the screen on a phone.
const IMAGE_SIZES: &str = "(min-width: 60rem) 46rem, 100vw";

/// The events with each picture that names an upload replaced by its own `<img>` tag.
fn with_responsive_images<'a>(events: Parser<'a>, media: &[Media]) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    let mut open: Option<(&Media, String, String)> = None;
    for event in events {
        match event {
            Event::Start(Tag::Image {
                ref dest_url,
                ref title,
                ..
            }) => match upload_named(dest_url, media) {
                Some(m) => open = Some((m, String::new(), title.to_string())),
                None => out.push(event),
            },
            Event::Text(ref text) | Event::Code(ref text) if open.is_some() => {
                if let Some((_, alt, _)) = open.as_mut() {
                    alt.push_str(text);
                }
            }
            Event::End(TagEnd::Image) if open.is_some() => {
                if let Some((m, alt, title)) = open.take() {
                    out.push(Event::InlineHtml(CowStr::from(image_tag(m, &alt, &title))));
                }
            }
            other if open.is_none() => out.push(other),
            _ => {}
        }
    }
    out
}

/// The upload an address names (`/media/{address}-{width}.{ext}`), if it is one of `media`.
fn upload_named<'m>(url: &str, media: &'m [Media]) -> Option<&'m Media> {
    let file = url.strip_prefix("/media/")?;
    let (address, _) = parse_file_name(file)?;
    media.iter().find(|m| m.address == address && !m.is_pdf())
}

/// `<img>` with every width in `srcset`, the width up to 1024 as its `src`, and its size so
/// the page does not move while it loads.
fn image_tag(media: &Media, alt: &str, title: &str) -> String {
    let files = &media.files;
    let src = files
        .iter()
        .rev()
        .find(|(w, _, _)| *w <= 1024)
        .or(files.first());
    let Some((src_width, _, _)) = src else {
        return String::new();
    };
    let srcset: Vec<String> = files
        .iter()
        .filter_map(|(w, _, _)| media.href(*w).map(|h| format!("{h} {w}w")))
        .collect();
    let (width, height) = files.last().map_or((0, 0), |(w, h, _)| (*w, *h));
    let title = if title.is_empty() {
        String::new()
    } else {
        format!(" title=\"{}\"", escape(title))
    };
    format!(
        "<img src=\"{}\" srcset=\"{}\" sizes=\"{IMAGE_SIZES}\" width=\"{width}\" height=\"{height}\" alt=\"{}\"{title} loading=\"lazy\" decoding=\"async\">",
        media.href(*src_width).unwrap_or_default(),
        srcset.join(", "),
        escape(alt.trim()),
    )
}

/// The addresses of uploads a body names, pictures and linked PDF files, once each.
pub fn media_addresses(markdown: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for event in Parser::new_ext(markdown, options()) {
        let url = match &event {
            Event::Start(Tag::Image { dest_url, .. })
            | Event::Start(Tag::Link { dest_url, .. }) => dest_url,
            _ => continue,
        };
        if let Some((address, _)) = url.strip_prefix("/media/").and_then(parse_file_name)
            && !found.iter().any(|f| f == address)
        {
            found.push(address.to_string());
        }
    }
    found
}

/// The first picture of a body's HTML (its `src`, `srcset` and `alt`), for a list's
/// thumbnail and the page's preview: found in the stored HTML without parsing it again.
pub fn first_image(html: &str) -> Option<(String, String, String)> {
    let start = html.find("<img ")?;
    let tag = &html[start..start + html[start..].find('>')?];
    let value = |name: &str| -> String {
        let key = format!(" {name}=\"");
        tag.find(&key)
            .map(|at| {
                let rest = &tag[at + key.len()..];
                rest[..rest.find('"').unwrap_or(rest.len())].to_string()
            })
            .unwrap_or_default()
    };
    let src = value("src");
    src.starts_with("/media/")
        .then(|| (src, value("srcset"), unescape(&value("alt"))))
}

/// An attribute's value as written, for a template that escapes it again.
fn unescape(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Any HTML reduced to what an article may hold.
pub fn sanitize(html: &str) -> String {
    cleaner().clean(html).to_string()
}

/// The images of a body that have no text alternative, by their address: a page with one is
/// not accessible (WCAG 1.1.1), so the body is refused until each has one.
pub fn images_without_alt(markdown: &str) -> Vec<String> {
    let mut missing = Vec::new();
    let mut open: Option<(String, String)> = None;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => {
                open = Some((dest_url.to_string(), String::new()));
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, alt)) = open.as_mut() {
                    alt.push_str(&text);
                }
            }
            Event::End(pulldown_cmark::TagEnd::Image) => {
                if let Some((src, alt)) = open.take()
                    && alt.trim().is_empty()
                {
                    missing.push(src);
                }
            }
            Event::Html(raw) | Event::InlineHtml(raw) if raw.contains("<img") => {
                let kept = sanitize(&raw);
                if kept.contains("<img") && !kept.contains("alt=\"") {
                    missing.push(raw.to_string());
                }
            }
            _ => {}
        }
    }
    missing
}

/// Plain text of a body (for search snippets, feeds and the page's description).
pub fn plain_text(markdown: &str) -> String {
    let mut text = String::new();
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            // Blocks and line breaks part words; inline tags (bold, links) do not.
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::TableCell,
            ) => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Filter-evasion vectors of the OWASP XSS cheat sheet, as an editor might paste them.
    const VECTORS: &[&str] = &[
        "<script>alert('XSS')</script>",
        "<IMG SRC=\"javascript:alert('XSS');\">",
        "<IMG SRC=javascript:alert('XSS')>",
        "<IMG SRC=JaVaScRiPt:alert('XSS')>",
        "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
        "<a onmouseover=\"alert(document.cookie)\">xxs link</a>",
        "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\"\\>",
        "<IMG SRC=# onmouseover=\"alert('xxs')\">",
        "<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>",
        "<img src=x onerror=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041\">",
        "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
        "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
        "<SCRIPT/XSS SRC=\"http://xss.rocks/xss.js\"></SCRIPT>",
        "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>",
        "<<SCRIPT>alert(\"XSS\");//\\<</SCRIPT>",
        "<iframe src=http://xss.rocks/scriptlet.html <",
        "<svg/onload=alert('XSS')>",
        "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
        "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
        "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
        "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
        "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">",
        "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"http://xss.rocks/scriptlet.html\"></OBJECT>",
        "<EMBED SRC=\"data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv MjAwMC9zdmciIHhtbG5zOnhsaW5rPSJodHRwOi8vd3d3LnczLm9yZy8xOTk5L3hs aW5rIiB2ZXJzaW9uPSIxLjAiIHg9IjAiIHk9IjAiIHdpZHRoPSIxOTQiIGhlaWdodD0iMjAwIiBpZD0ieHNzIj48c2NyaXB0IHR5cGU9InRleHQvZWNtYXNjcmlwdCI+YWxlcnQoIlhTUyIpOzwvc2NyaXB0Pjwvc3ZnPg==\" type=\"image/svg+xml\" AllowScriptAccess=\"always\"></EMBED>",
        "[bấm vào đây](javascript:alert('XSS'))",
        "[bấm](JAVASCRIPT:alert(1))",
        "![ảnh](javascript:alert(1))",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
        "<form action=\"javascript:alert(1)\"><button>x</button></form>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    ];

    /// The tags of `html` with their quoted attribute values taken out: what a browser would
    /// run. A vector left as escaped text, or inside a quoted value, is only shown.
    fn tags_outside_values(html: &str) -> Vec<String> {
        let mut tags = Vec::new();
        let mut rest = html;
        while let Some(open) = rest.find('<') {
            let close = rest[open..].find('>').map_or(rest.len(), |c| open + c + 1);
            let tag: String = rest[open..close]
                .split('"')
                .step_by(2)
                .collect::<Vec<_>>()
                .join("\"\"");
            tags.push(tag);
            rest = &rest[close..];
        }
        tags
    }

    #[test]
    fn no_vector_of_the_owasp_list_survives_into_the_page() {
        for vector in VECTORS {
            let lower = body_html(vector).to_ascii_lowercase();
            let html = tags_outside_values(&lower).join(" ");
            assert!(
                !lower.contains("href=\"javascript") && !lower.contains("src=\"javascript"),
                "{vector:?} gave {lower:?}"
            );
            for banned in [
                "<script",
                "javascript:",
                "onerror",
                "onload",
                "onmouseover",
                "<iframe",
                "<object",
                "<embed",
                "<style",
                "style=",
                "<meta",
                "<form",
                "<svg",
                "data:text",
                "background=",
            ] {
                assert!(
                    !html.contains(banned),
                    "{vector:?} left {banned:?} in {lower:?}"
                );
            }
        }
    }

    #[test]
    fn an_articles_own_markup_is_kept() {
        let html = body_html(
            "## Kết quả\n\nGiá trị sản xuất **643,41 tỷ đồng**, [xem báo cáo](https://binhlieu.quangninh.gov.vn/bc).\n\n- Nông nghiệp\n- Dịch vụ\n\n| Ngành | Tăng |\n|---|---|\n| Dịch vụ | 11,06% |\n",
        );
        assert!(html.contains("<h2>Kết quả</h2>"), "{html}");
        assert!(html.contains("<strong>643,41 tỷ đồng</strong>"));
        assert!(html.contains("href=\"https://binhlieu.quangninh.gov.vn/bc\""));
        assert!(html.contains("rel=\"noopener noreferrer nofollow\""));
        assert!(html.contains("<li>Dịch vụ</li>") && html.contains("<td>11,06%</td>"));
    }

    #[test]
    fn images_need_their_text_alternative() {
        assert_eq!(
            images_without_alt("![](/media/1.jpg) và ![Toàn cảnh hội nghị](/media/2.jpg)"),
            vec!["/media/1.jpg".to_string()]
        );
        assert_eq!(images_without_alt("<img src=\"/media/3.jpg\">").len(), 1);
        assert!(images_without_alt("<img src=\"/media/3.jpg\" alt=\"Hội nghị\">").is_empty());
    }

    fn upload(address: &str, widths: &[(u32, u32)], extension: &str) -> Media {
        Media {
            id: 1,
            portal: "hoanh-mo".into(),
            address: address.into(),
            format: "jpeg".into(),
            name: "anh.jpg".into(),
            alt: "Ảnh".into(),
            width: widths.last().map_or(0, |w| w.0),
            height: widths.last().map_or(0, |w| w.1),
            size: 1,
            uploaded_by: "x".into(),
            uploaded_at: chrono::Utc::now(),
            files: widths
                .iter()
                .map(|(w, h)| (*w, *h, extension.to_string()))
                .collect(),
        }
    }

    #[test]
    fn an_uploaded_picture_is_given_every_width_and_its_size() {
        let a = "0123456789abcdef0123";
        let media = [upload(
            a,
            &[(320, 160), (640, 320), (1024, 512), (1600, 800)],
            "jpg",
        )];
        let html = body_html_with(
            &format!("Trước.\n\n![Lúa & ngô Hoành Mô](/media/{a}-1600.jpg \"Ảnh: Hoàng Gái\")"),
            &media,
        );
        assert!(
            html.contains(&format!("src=\"/media/{a}-1024.jpg\"")),
            "{html}"
        );
        assert!(html.contains(&format!(
            "srcset=\"/media/{a}-320.jpg 320w, /media/{a}-640.jpg 640w, /media/{a}-1024.jpg 1024w, /media/{a}-1600.jpg 1600w\""
        )));
        assert!(html.contains("width=\"1600\" height=\"800\""));
        assert!(html.contains("alt=\"Lúa &amp; ngô Hoành Mô\""), "{html}");
        assert!(html.contains("title=\"Ảnh: Hoàng Gái\"") && html.contains("loading=\"lazy\""));
        let (src, srcset, alt) = first_image(&html).unwrap();
        assert_eq!(src, format!("/media/{a}-1024.jpg"));
        assert!(srcset.starts_with(&format!("/media/{a}-320.jpg 320w")));
        assert_eq!(alt, "Lúa & ngô Hoành Mô");
        // A picture from elsewhere stays as written; an address not uploaded gets no srcset.
        let other = body_html_with("![Bản đồ](https://example.org/a.png)", &media);
        assert!(other.contains("src=\"https://example.org/a.png\"") && !other.contains("srcset"));
        assert!(first_image(&other).is_none());
        assert_eq!(
            media_addresses(&format!(
                "![a](/media/{a}-640.jpg) [kế hoạch](/media/abcdefabcdefabcdef12.pdf) ![b](/media/{a}-320.jpg) [x](/media/khac.pdf)"
            )),
            vec![a.to_string(), "abcdefabcdefabcdef12".to_string()]
        );
    }

    #[test]
    fn a_pasted_srcset_or_loading_is_dropped_unless_it_is_ours() {
        let html = body_html(
            "<img src=\"/a.png\" alt=\"a\" srcset=\"https://evil.example/x.png 2x\" loading=\"javascript\">",
        );
        assert!(
            !html.contains("srcset") && !html.contains("loading"),
            "{html}"
        );
        let html = body_html(
            "<img src=\"/a.png\" alt=\"a\" srcset=\"/media/x-320.jpg 320w\" loading=\"lazy\">",
        );
        assert!(
            html.contains("srcset=\"/media/x-320.jpg 320w\"") && html.contains("loading=\"lazy\"")
        );
    }

    #[test]
    fn plain_text_drops_the_markup() {
        assert_eq!(
            plain_text("## Họp\n\nPhiên **thường kì** tháng 6."),
            "Họp Phiên thường kì tháng 6."
        );
    }
}
