//! DOCX in the form of Decree 30/2020/NĐ-CP, Annex I, written as OOXML by hand.
//!
//! A4 portrait; margins 20 mm top and bottom, 30 mm left, 20 mm right; Times New Roman 14 pt;
//! the borderless two-column header (issuing body, rule, number | national title, motto, rule,
//! italic place and date); title and bold summary; justified body with a 1,27 cm first-line
//! indent and 6 pt after; page numbers centred at the top from page 2 (a different first
//! page); signature block right and "Nơi nhận:" left. Written by hand rather than through a
//! DOCX library so that every one of these rules is visible here and checked by tests; the
//! `zip` crate is already built for rust_xlsxwriter.

use crate::ReportError;
use crate::chart;
use crate::model::{Block, Cell, Chart, Document, Run, Table};
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;

/// Twentieths of a point. A4 is 210 × 297 mm.
pub const PAGE_WIDTH: u32 = 11906;
pub const PAGE_HEIGHT: u32 = 16838;
/// 20 mm, 30 mm, 20 mm, 20 mm.
pub const MARGIN_TOP: u32 = 1134;
pub const MARGIN_BOTTOM: u32 = 1134;
pub const MARGIN_LEFT: u32 = 1701;
pub const MARGIN_RIGHT: u32 = 1134;
const TEXT_WIDTH: u32 = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
/// 1,27 cm.
const FIRST_LINE: u32 = 720;
pub const FONT: &str = "Times New Roman";

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[derive(Clone, Copy, Default)]
struct Style {
    bold: bool,
    italic: bool,
    /// Half-points; 0 for the default 14 pt.
    size: u32,
}

fn run(text: &str, s: Style) -> String {
    let mut props = String::new();
    if s.bold {
        props.push_str("<w:b/>");
    }
    if s.italic {
        props.push_str("<w:i/>");
    }
    if s.size > 0 {
        props.push_str(&format!(
            "<w:sz w:val=\"{0}\"/><w:szCs w:val=\"{0}\"/>",
            s.size
        ));
    }
    format!(
        "<w:r><w:rPr>{props}</w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>",
        esc(text)
    )
}

fn runs(rs: &[Run], base: Style) -> String {
    rs.iter()
        .map(|r| {
            run(
                &r.text,
                Style {
                    bold: base.bold || r.bold,
                    italic: base.italic || r.italic,
                    size: base.size,
                },
            )
        })
        .collect()
}

/// A paragraph: alignment ("both", "center", "left", "right"), first-line indent, spacing
/// after, extra properties.
fn para(align: &str, indent: u32, after: u32, extra: &str, content: &str) -> String {
    let ind = if indent > 0 {
        format!("<w:ind w:firstLine=\"{indent}\"/>")
    } else {
        String::new()
    };
    format!(
        "<w:p><w:pPr>{extra}<w:spacing w:before=\"0\" w:after=\"{after}\" w:line=\"288\" w:lineRule=\"auto\"/>{ind}<w:jc w:val=\"{align}\"/></w:pPr>{content}</w:p>"
    )
}

fn centered(text: &str, s: Style) -> String {
    para("center", 0, 0, "", &run(text, s))
}

/// A short horizontal rule under the line above: the bottom border of an empty paragraph
/// indented from both sides of its cell.
fn rule(cell_width: u32, rule_width: u32) -> String {
    let side = cell_width.saturating_sub(rule_width) / 2;
    format!(
        "<w:p><w:pPr><w:pBdr><w:bottom w:val=\"single\" w:sz=\"6\" w:space=\"1\" w:color=\"000000\"/></w:pBdr><w:spacing w:before=\"0\" w:after=\"120\" w:line=\"120\" w:lineRule=\"exact\"/><w:ind w:left=\"{side}\" w:right=\"{side}\"/><w:jc w:val=\"center\"/><w:rPr><w:sz w:val=\"4\"/></w:rPr></w:pPr></w:p>"
    )
}

const NO_BORDERS: &str = "<w:tblBorders><w:top w:val=\"nil\"/><w:left w:val=\"nil\"/><w:bottom w:val=\"nil\"/><w:right w:val=\"nil\"/><w:insideH w:val=\"nil\"/><w:insideV w:val=\"nil\"/></w:tblBorders>";
const BORDERS: &str = "<w:tblBorders><w:top w:val=\"single\" w:sz=\"4\"/><w:left w:val=\"single\" w:sz=\"4\"/><w:bottom w:val=\"single\" w:sz=\"4\"/><w:right w:val=\"single\" w:sz=\"4\"/><w:insideH w:val=\"single\" w:sz=\"4\"/><w:insideV w:val=\"single\" w:sz=\"4\"/></w:tblBorders>";

fn table(widths: &[u32], borders: &str, rows: &[Vec<String>]) -> String {
    table_with_header(widths, borders, rows, false)
}

/// `header`: the first row is the table's header, repeated on every page the table spans.
fn table_with_header(widths: &[u32], borders: &str, rows: &[Vec<String>], header: bool) -> String {
    let total: u32 = widths.iter().sum();
    let mut t = format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"{total}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/>{borders}<w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"57\" w:type=\"dxa\"/><w:right w:w=\"57\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>"
    );
    for w in widths {
        t.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
    }
    t.push_str("</w:tblGrid>");
    for (i, row) in rows.iter().enumerate() {
        let repeat = if header && i == 0 {
            "<w:tblHeader/>"
        } else {
            ""
        };
        t.push_str(&format!("<w:tr><w:trPr><w:cantSplit/>{repeat}</w:trPr>"));
        for (cell, w) in row.iter().zip(widths) {
            let content = if cell.is_empty() { "<w:p/>" } else { cell };
            t.push_str(&format!(
                "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/></w:tcPr>{content}</w:tc>"
            ));
        }
        t.push_str("</w:tr>");
    }
    t.push_str("</w:tbl>");
    t
}

/// The two-column header of Annex I.
fn header(doc: &Document) -> String {
    let m = &doc.meta;
    let (lw, rw) = (3686, TEXT_WIDTH - 3686);
    let s13 = Style {
        size: 26,
        ..Style::default()
    };
    let b13 = Style { bold: true, ..s13 };
    let b12 = Style {
        bold: true,
        size: 24,
        ..Style::default()
    };
    // Decree 30, Annex I: both lines of the issuing body are bold.
    let left = [
        centered(&m.issuer_parent, b13),
        centered(&m.issuer, b13),
        rule(lw, 1100),
        centered(&format!("Số: {}", m.number), s13),
    ]
    .concat();
    let right = [
        centered("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", b12),
        centered("Độc lập - Tự do - Hạnh phúc", Style { size: 28, ..b13 }),
        rule(rw, 3000),
        centered(
            &m.place_date,
            Style {
                italic: true,
                size: 28,
                ..Style::default()
            },
        ),
    ]
    .concat();
    table(&[lw, rw], NO_BORDERS, &[vec![left, right]])
}

fn data_table(t: &Table) -> String {
    let n = t.columns.len().max(1) as u32;
    // The indicator (or unit) name takes the room the numbers leave.
    let narrow = match n {
        0..=3 => 2000,
        4..=6 => 1100,
        _ => 980,
    };
    let mut widths: Vec<u32> = (0..n)
        .map(|i| match i {
            0 => 620,
            1 => 0,
            _ => narrow,
        })
        .collect();
    let used: u32 = widths.iter().sum();
    if n > 1 {
        widths[1] = TEXT_WIDTH.saturating_sub(used).max(1500);
    }
    // 11 pt; 10,5 pt for the wide tables so that "116,22%" stays on one line.
    let s = Style {
        size: if n > 6 { 21 } else { 22 },
        ..Style::default()
    };
    let mut rows = vec![
        t.columns
            .iter()
            .map(|c| centered(c, Style { bold: true, ..s }))
            .collect::<Vec<_>>(),
    ];
    for r in &t.rows {
        rows.push(
            r.iter()
                .enumerate()
                .map(|(i, c)| match c {
                    // The row number (STT) centred, as tables in reports have it.
                    _ if i == 0 => centered(&c.display(), s),
                    Cell::Number { .. } => para("right", 0, 0, "", &run(&c.display(), s)),
                    _ => para("left", 0, 0, "", &run(&c.display(), s)),
                })
                .collect(),
        );
    }
    let title = para(
        "center",
        0,
        60,
        "<w:keepNext/>",
        &run(
            &t.title,
            Style {
                bold: true,
                ..Style::default()
            },
        ),
    );
    format!(
        "{title}{}{}",
        table_with_header(&widths, BORDERS, &rows, true),
        para("left", 0, 120, "", "")
    )
}

/// The tallest a chart is printed, in EMU: a third of the text height, so that a chart
/// that no longer fits at the foot of a page leaves at most that much blank above it.
pub const CHART_MAX_HEIGHT: u64 = (PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM) as u64 * 635 / 3;

/// A chart's printed size: within the text width and `CHART_MAX_HEIGHT`, proportions kept.
fn fit_picture(cx: u64, cy: u64) -> (u64, u64) {
    let max_cx = u64::from(TEXT_WIDTH) * 635;
    let (cx, cy) = if cx > max_cx {
        (max_cx, cy * max_cx / cx)
    } else {
        (cx, cy)
    };
    if cy > CHART_MAX_HEIGHT {
        (cx * CHART_MAX_HEIGHT / cy, CHART_MAX_HEIGHT)
    } else {
        (cx, cy)
    }
}

/// A chart as a picture (its PNG, relationship `rid`), with its title.
fn chart_picture(c: &Chart, rid: &str, id: usize) -> String {
    // EMU: 914400 per inch; the SVG is drawn at 96 px per inch.
    let cx = (chart::WIDTH * 9525.0) as u64;
    let cy = (chart::height(c) * 9525.0) as u64;
    let (cx, cy) = fit_picture(cx, cy);
    let name = esc(&c.title);
    para(
        "center",
        0,
        120,
        "",
        &format!(
            "<w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\"><wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:docPr id=\"{id}\" name=\"{name}\" descr=\"{name}\"/><a:graphic xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\"><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:pic xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:nvPicPr><pic:cNvPr id=\"{id}\" name=\"chart{id}.png\"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed=\"{rid}\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
        ),
    )
}

/// A chart without a picture: its title and values as a small table.
fn chart_table(c: &Chart) -> String {
    let unit = if c.measure == "%" { "%" } else { "" };
    data_table(&Table {
        name: c.name.clone(),
        title: c.title.clone(),
        columns: vec!["STT".into(), "Nội dung".into(), c.measure.clone()],
        rows: c
            .bars
            .iter()
            .enumerate()
            .map(|(i, b)| {
                vec![
                    Cell::text((i + 1).to_string()),
                    Cell::text(b.label.clone()),
                    Cell::Number {
                        value: b.value,
                        decimals: b.decimals,
                        percent: !unit.is_empty(),
                    },
                ]
            })
            .collect(),
    })
}

fn signature(doc: &Document) -> String {
    let m = &doc.meta;
    let mut left = para(
        "left",
        0,
        0,
        "",
        &run(
            "Nơi nhận:",
            Style {
                bold: true,
                italic: true,
                size: 24,
            },
        ),
    );
    for r in &m.recipients {
        left.push_str(&para(
            "left",
            0,
            0,
            "",
            &run(
                r,
                Style {
                    size: 22,
                    ..Style::default()
                },
            ),
        ));
    }
    let b = Style {
        bold: true,
        ..Style::default()
    };
    let mut right = [centered(&m.sign_for, b), centered(&m.sign_title, b)].concat();
    for _ in 0..4 {
        right.push_str(&centered("", b));
    }
    right.push_str(&centered(&m.signer, b));
    let half = TEXT_WIDTH / 2;
    format!(
        "{}{}",
        para("left", 0, 120, "<w:keepNext/>", ""),
        table(&[half, TEXT_WIDTH - half], NO_BORDERS, &[vec![left, right]])
    )
}

const NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"";

/// `word/document.xml`; `pictures[i]` is the relationship of the i-th chart's PNG, if any.
pub fn document_xml(doc: &Document, pictures: &[Option<String>]) -> String {
    let m = &doc.meta;
    let mut body = header(doc);
    let b14 = Style {
        bold: true,
        ..Style::default()
    };
    body.push_str(&para("center", 0, 0, "<w:spacing w:before=\"240\"/>", ""));
    body.push_str(&centered(&m.title, b14));
    body.push_str(&para("center", 0, 240, "", &run(&m.summary, b14)));
    let mut chart_no = 0;
    for (i, block) in doc.blocks.iter().enumerate() {
        // The last paragraph goes with the signature, so the block never stands alone on a page.
        let signs_next = match doc.blocks.get(i + 1) {
            Some(next) => *next == Block::Signature,
            None => !doc.has_signature(),
        };
        match block {
            Block::Heading { level, runs: rs } => {
                let style = Style {
                    bold: true,
                    italic: *level >= 3,
                    size: 0,
                };
                body.push_str(&para(
                    "both",
                    FIRST_LINE,
                    120,
                    &format!("<w:pStyle w:val=\"Heading{level}\"/><w:keepNext/>"),
                    &runs(rs, style),
                ));
            }
            Block::Paragraph { runs: rs } => {
                body.push_str(&para(
                    "both",
                    FIRST_LINE,
                    120,
                    if signs_next { "<w:keepNext/>" } else { "" },
                    &runs(rs, Style::default()),
                ));
            }
            Block::Table(t) => body.push_str(&data_table(t)),
            Block::Chart(c) => {
                chart_no += 1;
                if c.bars.is_empty() {
                    continue;
                }
                match pictures.get(chart_no - 1).cloned().flatten() {
                    // The picture carries its title.
                    Some(rid) => body.push_str(&chart_picture(c, &rid, chart_no)),
                    None => body.push_str(&chart_table(c)),
                }
            }
            Block::PageBreak => body.push_str("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>"),
            Block::Signature => body.push_str(&signature(doc)),
        }
    }
    if !doc.has_signature() {
        body.push_str(&signature(doc));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document {NS}><w:body>{body}<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rIdHeader\"/><w:headerReference w:type=\"first\" r:id=\"rIdFirstHeader\"/><w:pgSz w:w=\"{PAGE_WIDTH}\" w:h=\"{PAGE_HEIGHT}\"/><w:pgMar w:top=\"{MARGIN_TOP}\" w:right=\"{MARGIN_RIGHT}\" w:bottom=\"{MARGIN_BOTTOM}\" w:left=\"{MARGIN_LEFT}\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/><w:titlePg/></w:sectPr></w:body></w:document>"
    )
}

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="Times New Roman" w:cs="Times New Roman"/><w:color w:val="000000"/><w:sz w:val="28"/><w:szCs w:val="28"/><w:lang w:val="vi-VN" w:eastAsia="vi-VN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:b/><w:i/></w:rPr></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>"#;

const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>"#;

/// Page numbers centred at the top (pages after the first).
const HEADER: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:hdr>"#;

/// The first page has no number.
const FIRST_HEADER: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p/></w:hdr>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/word/header2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#;

/// The DOCX with its charts drawn as pictures where fonts are available.
pub fn docx_with_charts(doc: &Document) -> Result<Vec<u8>, ReportError> {
    let pngs: Vec<Option<Vec<u8>>> = doc
        .charts()
        .map(|c| {
            if c.bars.is_empty() {
                None
            } else {
                chart::png(c)
            }
        })
        .collect();
    docx(doc, &pngs)
}

/// The DOCX bytes. `pngs` are the charts' pictures in document order where the caller could
/// rasterise them (`None`: the chart is written as a table of its values).
pub fn docx(doc: &Document, pngs: &[Option<Vec<u8>>]) -> Result<Vec<u8>, ReportError> {
    let err = |e: &dyn std::fmt::Display| ReportError::Write {
        format: "docx",
        message: e.to_string(),
    };
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rIdHeader" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rIdFirstHeader" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header2.xml"/>"#,
    );
    let mut pictures = Vec::new();
    for (i, png) in pngs.iter().enumerate() {
        pictures.push(png.as_ref().map(|_| {
            rels.push_str(&format!(
                "<Relationship Id=\"rIdChart{i}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image\" Target=\"media/chart{i}.png\"/>"
            ));
            format!("rIdChart{i}")
        }));
    }
    rels.push_str("</Relationships>");
    let core = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{}</dc:title><dc:creator>solieu</dc:creator><dc:language>vi-VN</dc:language></cp:coreProperties>"#,
        esc(&format!("{} {}", doc.meta.title, doc.meta.summary))
    );
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("[Content_Types].xml".into(), CONTENT_TYPES.into()),
        ("_rels/.rels".into(), ROOT_RELS.into()),
        ("docProps/core.xml".into(), core.into_bytes()),
        (
            "word/document.xml".into(),
            document_xml(doc, &pictures).into_bytes(),
        ),
        ("word/styles.xml".into(), STYLES.into()),
        ("word/settings.xml".into(), SETTINGS.into()),
        ("word/header1.xml".into(), HEADER.into()),
        ("word/header2.xml".into(), FIRST_HEADER.into()),
        ("word/_rels/document.xml.rels".into(), rels.into_bytes()),
    ];
    for (i, png) in pngs.iter().enumerate() {
        if let Some(png) = png {
            files.push((format!("word/media/chart{i}.png"), png.clone()));
        }
    }
    for (name, bytes) in files {
        zip.start_file(name, options).map_err(|e| err(&e))?;
        zip.write_all(&bytes).map_err(|e| err(&e))?;
    }
    Ok(zip.finish().map_err(|e| err(&e))?.into_inner())
}
