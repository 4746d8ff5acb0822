//! The text forms: Markdown, a standalone HTML page, and JSON with every printed figure's
//! provenance.

use crate::chart::{escape, svg};
use crate::model::{Block, Cell, Document, Run};
use crate::{Report, ReportError};

fn md_runs(runs: &[Run]) -> String {
    runs.iter()
        .map(|r| match (r.bold, r.italic) {
            (true, true) => format!("***{}***", r.text),
            (true, false) => format!("**{}**", r.text),
            (false, true) => format!("*{}*", r.text),
            _ => r.text.clone(),
        })
        .collect()
}

pub fn markdown(doc: &Document) -> String {
    let m = &doc.meta;
    let mut out = String::new();
    for line in [&m.issuer_parent, &m.issuer] {
        if !line.is_empty() {
            out.push_str(&format!("**{line}**  \n"));
        }
    }
    if !m.number.is_empty() {
        out.push_str(&format!("Số: {}\n\n", m.number));
    }
    out.push_str("**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**  \n**Độc lập - Tự do - Hạnh phúc**\n\n");
    if !m.place_date.is_empty() {
        out.push_str(&format!("*{}*\n\n", m.place_date));
    }
    out.push_str(&format!("## {}\n\n**{}**\n\n", m.title, m.summary));
    for b in &doc.blocks {
        match b {
            Block::Heading { level, runs } => {
                out.push_str(&format!(
                    "{} {}\n\n",
                    "#".repeat(usize::from(*level) + 2),
                    md_runs(runs)
                ));
            }
            Block::Paragraph { runs } => {
                out.push_str(&md_runs(runs));
                out.push_str("\n\n");
            }
            Block::Table(t) => {
                out.push_str(&format!("**{}**\n\n", t.title));
                out.push_str(&format!("| {} |\n", t.columns.join(" | ")));
                out.push_str(&format!(
                    "|{}\n",
                    t.columns.iter().map(|_| "---|").collect::<String>()
                ));
                for row in &t.rows {
                    let cells: Vec<String> = row
                        .iter()
                        .map(|c| c.display().replace('|', "\\|"))
                        .collect();
                    out.push_str(&format!("| {} |\n", cells.join(" | ")));
                }
                out.push('\n');
            }
            Block::Chart(c) => {
                out.push_str(&format!("**{}**\n\n", c.title));
                for bar in &c.bars {
                    out.push_str(&format!(
                        "- {}: {}{}\n",
                        bar.label,
                        solieu_core::format::number_vi(bar.value, bar.decimals),
                        if c.measure == "%" { "%" } else { "" }
                    ));
                }
                out.push('\n');
            }
            Block::PageBreak => out.push_str("---\n\n"),
            Block::Signature => md_signature(doc, &mut out),
        }
    }
    if !doc.has_signature() {
        md_signature(doc, &mut out);
    }
    out
}

fn md_signature(doc: &Document, out: &mut String) {
    let m = &doc.meta;
    out.push_str(&format!("**{}**  \n**{}**\n\n", m.sign_for, m.sign_title));
    if !m.signer.is_empty() {
        out.push_str(&format!("**{}**\n\n", m.signer));
    }
    if !m.recipients.is_empty() {
        out.push_str("***Nơi nhận:***\n\n");
        for r in &m.recipients {
            out.push_str(&format!("{r}  \n"));
        }
        out.push('\n');
    }
}

fn html_runs(runs: &[Run]) -> String {
    runs.iter()
        .map(|r| {
            let t = escape(&r.text);
            match (r.bold, r.italic) {
                (true, true) => format!("<strong><em>{t}</em></strong>"),
                (true, false) => format!("<strong>{t}</strong>"),
                (false, true) => format!("<em>{t}</em>"),
                _ => t,
            }
        })
        .collect()
}

/// The printed page's style, every rule under `.document` so that a page embedding the report
/// (the web application's) keeps its own; on a narrow screen the margins go and a table or a
/// chart keeps its printed width and scrolls in its own box (squeezed into a phone's column,
/// a table broke "Khách du lịch" over three lines and a chart's figures shrank to 6 px).
const CSS: &str = ".document{font-family:'Times New Roman','Liberation Serif',Tinos,serif;font-size:14pt;max-width:170mm;margin:20mm auto 20mm 30mm;color:#000;line-height:1.35}
.document .head{display:grid;grid-template-columns:2fr 3fr;text-align:center;font-size:13pt}
.document .head b{display:block}.document .rule{width:35%;margin:2px auto 6px;border-top:1px solid #000}
.document .date{font-style:italic;font-size:14pt}
.document h1{text-align:center;font-size:14pt;margin:1.2em 0 0}.document .summary{text-align:center;font-weight:bold;margin:0 0 1.2em}
.document h2,.document h3,.document h4{font-size:14pt;margin:0.6em 0 0.3em}.document h4{font-style:italic}
.document p{text-align:justify;text-indent:1.27cm;margin:0 0 6pt}
.document .wide{overflow-x:auto}
.document table.data{border-collapse:collapse;width:100%;font-size:12pt;margin:6pt 0}
.document table.data td,.document table.data th{border:1px solid #000;padding:2px 4px}.document td.n{text-align:right}
.document .caption{text-align:center;font-weight:bold;text-indent:0}
.document .foot{display:grid;grid-template-columns:1fr 1fr;margin-top:1.5em}
.document .recipients{font-size:11pt}.document .recipients b{font-size:12pt}.document .sign{text-align:center;font-weight:bold}
.document svg{max-width:100%;height:auto;display:block;margin:6pt auto}
.document .chart svg{min-width:640px}
@media (max-width:600px){.document{margin:1em;font-size:12pt}.document .head,.document .foot{grid-template-columns:1fr}.document table.data{min-width:170mm}}";

pub fn html(doc: &Document) -> String {
    let m = &doc.meta;
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{} {}</title><style>{CSS}</style></head><body><article class=\"document\">\n",
        escape(&m.title),
        escape(&m.summary)
    );
    out.push_str(&format!(
        "<div class=\"head\"><div>{}<b>{}</b><div class=\"rule\"></div>Số: {}</div><div><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><b>Độc lập - Tự do - Hạnh phúc</b><div class=\"rule\"></div><div class=\"date\">{}</div></div></div>\n<h1>{}</h1><p class=\"summary\">{}</p>\n",
        escape(&m.issuer_parent),
        escape(&m.issuer),
        escape(&m.number),
        escape(&m.place_date),
        escape(&m.title),
        escape(&m.summary)
    ));
    for b in &doc.blocks {
        match b {
            Block::Heading { level, runs } => {
                let h = usize::from(*level) + 1;
                out.push_str(&format!("<h{h}>{}</h{h}>\n", html_runs(runs)));
            }
            Block::Paragraph { runs } => out.push_str(&format!("<p>{}</p>\n", html_runs(runs))),
            Block::Table(t) => {
                out.push_str(&format!(
                    "<p class=\"caption\">{}</p><div class=\"wide\" tabindex=\"0\"><table class=\"data\"><tr>",
                    escape(&t.title)
                ));
                for c in &t.columns {
                    out.push_str(&format!("<th>{}</th>", escape(c)));
                }
                out.push_str("</tr>\n");
                for row in &t.rows {
                    out.push_str("<tr>");
                    for c in row {
                        let class = if matches!(c, Cell::Number { .. }) {
                            " class=\"n\""
                        } else {
                            ""
                        };
                        out.push_str(&format!("<td{class}>{}</td>", escape(&c.display())));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</table></div>\n");
            }
            // Drawn at its own width, scrolling in its box on a phone: scaled down to a
            // phone's column its 11-point figures shrank to 6 px.
            Block::Chart(c) => out.push_str(&format!(
                "<div class=\"wide chart\" tabindex=\"0\">{}</div>\n",
                svg(c)
            )),
            Block::PageBreak => out.push_str("<hr>\n"),
            Block::Signature => html_signature(doc, &mut out),
        }
    }
    if !doc.has_signature() {
        html_signature(doc, &mut out);
    }
    out.push_str("</article></body></html>\n");
    out
}

fn html_signature(doc: &Document, out: &mut String) {
    let m = &doc.meta;
    out.push_str("<div class=\"foot\"><div class=\"recipients\">");
    if !m.recipients.is_empty() {
        out.push_str("<b><em>Nơi nhận:</em></b><br>");
        for r in &m.recipients {
            out.push_str(&format!("{}<br>", escape(r)));
        }
    }
    out.push_str(&format!(
        "</div><div class=\"sign\">{}<br>{}<br><br><br><br>{}</div></div>\n",
        escape(&m.sign_for),
        escape(&m.sign_title),
        escape(&m.signer)
    ));
}

/// The whole report: document, and every figure printed with the stored values behind it.
pub fn json(report: &Report) -> Result<String, ReportError> {
    serde_json::to_string_pretty(report).map_err(|e| ReportError::Write {
        format: "json",
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::CSS;

    #[test]
    fn a_chart_is_never_drawn_narrower_than_its_own_width() {
        let rule = format!(
            ".document .chart svg{{min-width:{}px}}",
            crate::chart::WIDTH
        );
        assert!(CSS.contains(&rule), "{rule}");
    }

    /// The web application shows the report under its own header: a rule that reached outside
    /// the document (`body{max-width:170mm}` once did) squeezes the whole site into the page's
    /// column.
    #[test]
    fn every_style_rule_stays_inside_the_document() {
        let plain = CSS.replace("@media (max-width:600px){", "");
        for rule in plain.split('}').map(str::trim).filter(|r| !r.is_empty()) {
            let selectors = rule.split('{').next().unwrap();
            for selector in selectors.split(',') {
                assert!(
                    selector.trim().starts_with(".document"),
                    "a rule outside the document: {rule}"
                );
            }
        }
    }
}
