//! DOCX
