//! The public portal's rules: addresses made from Vietnamese titles and the publishing
//! workflow of an article. Pure: who holds which portal role is asked of the caller, and the
//! time is given.

pub mod article;
pub mod slug;

pub use article::{Action, PortalRole, Refusal, State};
pub use slug::{slugify, unique_slug};
