//! XLSX
