//! DHIS2's names for our units, indicators and data sets, both ways: the UID (and DHIS2's
//! code) a metadata import recorded (`dhis2_ids`), or, for what did not come from DHIS2, our
//! code, which then serves as both.

use crate::{App, WebError};
use solieu_io::dhis2::Mapping;
use solieu_io::dhis2_metadata::{DATA_ELEMENT, DATA_SET, ORG_UNIT};
use std::collections::HashMap;

/// Which identifier a request names objects by (`idScheme` and its kin).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scheme {
    #[default]
    Uid,
    Code,
}

impl Scheme {
    pub fn parse(name: &str, text: &str) -> Result<Scheme, WebError> {
        match text.to_ascii_uppercase().as_str() {
            "UID" | "ID" => Ok(Scheme::Uid),
            "CODE" => Ok(Scheme::Code),
            _ => Err(WebError::BadRequest(solieu_i18n::text!(
                "dhis2-unknown-scheme",
                name = name.to_string()
            ))),
        }
    }
}

/// One kind of object's names: ours to DHIS2's UID and code, and either of those to ours.
#[derive(Default)]
struct Names {
    out: HashMap<String, (String, Option<String>)>,
    back: HashMap<String, String>,
}

impl Names {
    fn add(&mut self, ours: &str, uid: &str, code: Option<&str>) {
        self.out
            .entry(ours.to_string())
            .or_insert_with(|| (uid.to_string(), code.map(str::to_string)));
        for key in std::iter::once(uid).chain(code) {
            self.back
                .entry(key.to_string())
                .or_insert_with(|| ours.to_string());
        }
    }

    fn id(&self, ours: &str, scheme: Scheme) -> String {
        match (self.out.get(ours), scheme) {
            (Some((uid, _)), Scheme::Uid) => uid.clone(),
            (Some((_, Some(code))), Scheme::Code) => code.clone(),
            _ => ours.to_string(),
        }
    }

    fn ours(&self, id: &str) -> String {
        self.back.get(id).cloned().unwrap_or_else(|| id.to_string())
    }
}

/// Every recorded DHIS2 link, as the readers and writers of DHIS2 files take them.
pub async fn links(
    store: &solieu_store::Store,
) -> Result<Vec<solieu_io::dhis2_metadata::Link>, solieu_store::StoreError> {
    Ok(store
        .dhis2_ids()
        .await?
        .into_iter()
        .map(|id| solieu_io::dhis2_metadata::Link {
            kind: id.kind,
            dhis2: id.dhis2,
            code: id.code,
            ours: id.ours,
        })
        .collect())
}

/// Every name the API translates, read once per request.
pub struct Ids {
    /// What the DHIS2 readers and writers of `solieu-io` take.
    pub mapping: Mapping,
    units: Names,
    elements: Names,
    data_sets: Names,
    /// A data element's disaggregations: our code of the element → (combination, our code).
    combos: HashMap<String, Vec<(String, String)>>,
    /// Our code of each disaggregation.
    disaggregations: HashMap<String, String>,
}

impl Ids {
    pub async fn load(app: &App) -> Result<Ids, WebError> {
        let links = links(&app.store).await?;
        let mut ids = Ids {
            mapping: Mapping::default().with_links(&links),
            units: Names::default(),
            elements: Names::default(),
            data_sets: Names::default(),
            combos: HashMap::new(),
            disaggregations: HashMap::new(),
        };
        for link in &links {
            let names = match link.kind.as_str() {
                ORG_UNIT => &mut ids.units,
                // A disaggregation (`DE|COC`) is named through its element.
                DATA_ELEMENT if !link.dhis2.contains('|') => &mut ids.elements,
                DATA_SET => &mut ids.data_sets,
                _ => continue,
            };
            names.add(&link.ours, &link.dhis2, link.code.as_deref());
        }
        for link in links.iter().filter(|l| l.kind == DATA_ELEMENT) {
            if let Some((de, coc)) = link.dhis2.split_once('|') {
                let element = ids.elements.ours(de);
                ids.combos
                    .entry(element.clone())
                    .or_default()
                    .push((coc.to_string(), link.ours.clone()));
                ids.disaggregations.insert(link.ours.clone(), element);
            }
        }
        Ok(ids)
    }

    /// Our codes of the disaggregations, each with its element's.
    pub fn disaggregations(&self) -> &HashMap<String, String> {
        &self.disaggregations
    }

    /// Whether our indicator is a data element a metadata import brought.
    pub fn is_element(&self, ours: &str) -> bool {
        self.elements.out.contains_key(ours)
    }

    /// An element's category option combinations, each with our code of it.
    pub fn combos_of(&self, ours: &str) -> &[(String, String)] {
        self.combos.get(ours).map_or(&[], Vec::as_slice)
    }

    pub fn unit_id(&self, ours: &str, scheme: Scheme) -> String {
        self.units.id(ours, scheme)
    }

    /// Our code of a unit named by UID or DHIS2 code (or by our code).
    pub fn unit(&self, id: &str) -> String {
        self.units.ours(id)
    }

    pub fn element_id(&self, ours: &str, scheme: Scheme) -> String {
        self.elements.id(ours, scheme)
    }

    /// The UID of a data element named by its DHIS2 code (or already by UID).
    pub fn element_uid(&self, id: &str) -> String {
        let ours = self.elements.ours(id);
        self.elements.id(&ours, Scheme::Uid)
    }

    /// Our code of a data element named by UID or DHIS2 code.
    pub fn element(&self, id: &str) -> String {
        self.elements.ours(id)
    }

    pub fn data_set_id(&self, ours: &str) -> String {
        self.data_sets.id(ours, Scheme::Uid)
    }

    pub fn data_set(&self, id: &str) -> String {
        self.data_sets.ours(id)
    }
}
