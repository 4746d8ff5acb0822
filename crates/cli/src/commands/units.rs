//! `solieu units`: the unit tree as of a date, or one code's versions and lineage.

use crate::say::Say;
use anyhow::Result;
use chrono::NaiveDate;
use solieu_core::lineage::{Registry, VersionId};
use solieu_store::{Location, Store};
use std::process::ExitCode;

fn validity(registry: &Registry, id: VersionId) -> String {
    let v = registry.version(id);
    let from = v
        .valid_from
        .map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_else(|| "…".into());
    let to = v
        .valid_to
        .map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_else(|| "…".into());
    format!("{from} – {to}")
}

pub async fn units(
    location: &Location,
    code: Option<String>,
    date: Option<NaiveDate>,
    say: &Say,
) -> Result<ExitCode> {
    let store = Store::open(location).await?;
    let stored = store.stored().await?;
    store.close().await;
    let registry = Registry::new(stored.units, stored.events);
    let Some(code) = code else {
        let date = date.unwrap_or_else(|| chrono::Local::now().date_naive());
        println!(
            "{} {}",
            solieu_i18n::tr(say.lang, "cli-administrative-units"),
            date.format("%d/%m/%Y")
        );
        let roots: Vec<VersionId> = registry
            .valid_on(date)
            .filter(|&id| {
                registry
                    .version(id)
                    .parent
                    .as_ref()
                    .is_none_or(|p| registry.resolve(p, date).is_none())
            })
            .collect();
        for root in roots {
            println!("{}", registry.version(root).label());
            let base = registry.version(root).code.clone();
            print_children(&registry, &base, date, 1);
        }
        return Ok(ExitCode::SUCCESS);
    };
    let versions = registry.versions_of(&code);
    if versions.is_empty() {
        anyhow::bail!(
            "{} {code}",
            solieu_i18n::tr(say.lang, "cli-no-unit-has-ever-had")
        );
    }
    for &id in versions {
        let v = registry.version(id);
        println!(
            "{} — {} [{}], {} {}",
            v.label(),
            v.kind.name_vi(),
            validity(&registry, id),
            solieu_i18n::tr(say.lang, "cli-parent"),
            v.parent.as_deref().unwrap_or("—")
        );
        for i in registry.events_of(id).0 {
            let e = &registry.events()[i];
            let from = registry
                .event_ends(e)
                .0
                .map(|f| registry.version(f).label())
                .unwrap_or_else(|| e.from.clone());
            let share = share_text(e, say);
            println!(
                "    {} ← {} {}{share}",
                e.date.format("%d/%m/%Y"),
                e.kind.name_vi(),
                from
            );
        }
        for (e, to) in registry.successors(id) {
            let share = share_text(e, say);
            println!(
                "    {} {} → {}{share}",
                e.date.format("%d/%m/%Y"),
                e.kind.name_vi(),
                registry.version(to).label()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// " (85%)" for a split's share, " (một phần)" for a split whose share was not recorded.
fn share_text(event: &solieu_core::lineage::LineageEvent, say: &Say) -> String {
    match (event.kind, event.share) {
        (_, Some(s)) => format!(" ({}%)", (s * rust_decimal::Decimal::from(100)).normalize()),
        (solieu_core::lineage::EventKind::Split, None) => {
            format!(
                " ({})",
                solieu_i18n::tr(say.lang, "cli-part-share-not-recorded")
            )
        }
        _ => String::new(),
    }
}

fn print_children(registry: &Registry, code: &str, date: NaiveDate, depth: usize) {
    let mut children = registry.children(code, date);
    children.sort_by_key(|&id| registry.version(id).code.clone());
    for id in children {
        let v = registry.version(id);
        println!("{}{}", "  ".repeat(depth), v.label());
        if depth < 8 {
            print_children(registry, &v.code, date, depth + 1);
        }
    }
}
