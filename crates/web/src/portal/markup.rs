//! An article's body: written in Markdown, stored beside its HTML, and shown only after the
//! HTML went through an allow-list of tags and attributes (ammonia). Script, event handlers,
//! `javascript:` addresses and styles never reach a page, whatever an editor pastes.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
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
            .link_rel(Some("noopener noreferrer nofollow"));
        builder
    })
}

/// The body's HTML, safe to put in a page as it is.
pub fn body_html(markdown: &str) -> String {
    let mut html = String::with_capacity(markdown.len() * 5 / 4);
    pulldown_cmark::html::push_html(&mut html, Parser::new_ext(markdown, options()));
    sanitize(&html)
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

    #[test]
    fn plain_text_drops_the_markup() {
        assert_eq!(
            plain_text("## Họp\n\nPhiên **thường kì** tháng 6."),
            "Họp Phiên thường kì tháng 6."
        );
    }
}
