//! Hostile files, generated: workbooks that would take a reader's memory (a far cell, a huge
//! cell, many rows, a sheet of spaces, a zip bomb), a truncated CSV and one with many faults.
//!
//! Shared by the reader tests and, through `#[path]`, the CLI's and the web's. The ZIP
//! container and its deflate streams are written by hand (std only): a repeated run of bytes
//! is one literal copy and back-references, so a part that inflates to 600 MiB is 4 MB of file
//! and is written in a moment, as an attacker's would be.
#![allow(dead_code)]

/// A part of a ZIP container.
pub enum Part {
    /// Stored as is.
    Bytes(Vec<u8>),
    /// `prefix`, then `unit` `count` times, then `suffix`, deflated by hand.
    Repeat {
        prefix: Vec<u8>,
        unit: Vec<u8>,
        count: usize,
        suffix: Vec<u8>,
        /// Whether to compute the CRC (a reader checks it at the part's end; a zip bomb is
        /// refused long before, and 600 MiB of CRC in a debug build is slow).
        crc: bool,
    },
}

pub fn text(s: &str) -> Part {
    Part::Bytes(s.as_bytes().to_vec())
}

pub fn repeat(prefix: &str, unit: &str, count: usize, suffix: &str) -> Part {
    Part::Repeat {
        prefix: prefix.as_bytes().to_vec(),
        unit: unit.as_bytes().to_vec(),
        count,
        suffix: suffix.as_bytes().to_vec(),
        crc: true,
    }
}

const NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

/// An XLSX workbook of one sheet ("Sheet1") whose `<sheetData>` is `sheet_data`, with an
/// optional shared strings part (its whole XML).
pub fn xlsx(sheet_data: Part, shared: Option<Part>) -> Vec<u8> {
    let sheet = match sheet_data {
        Part::Bytes(b) => Part::Bytes(
            [
                format!("<worksheet xmlns=\"{NS}\"><sheetData>").into_bytes(),
                b,
                b"</sheetData></worksheet>".to_vec(),
            ]
            .concat(),
        ),
        Part::Repeat {
            prefix,
            unit,
            count,
            suffix,
            crc,
        } => Part::Repeat {
            prefix: [
                format!("<worksheet xmlns=\"{NS}\"><sheetData>").into_bytes(),
                prefix,
            ]
            .concat(),
            unit,
            count,
            suffix: [suffix, b"</sheetData></worksheet>".to_vec()].concat(),
            crc,
        },
    };
    let mut parts = vec![
        (
            "[Content_Types].xml",
            text(
                "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
                 <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
                 <Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>",
            ),
        ),
        (
            "_rels/.rels",
            text(
                "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
                 <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>\
                 </Relationships>",
            ),
        ),
        (
            "xl/workbook.xml",
            text(&format!(
                "<workbook xmlns=\"{NS}\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
                 <sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
            )),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            text(
                "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
                 <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
                 </Relationships>",
            ),
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    if let Some(shared) = shared {
        parts.push(("xl/sharedStrings.xml", shared));
    }
    zip(parts)
}

/// A row of inline strings (positions follow from the order: calamine counts them).
pub fn row(cells: &[&str]) -> String {
    let cells: String = cells
        .iter()
        .map(|c| format!("<c t=\"inlineStr\"><is><t>{c}</t></is></c>"))
        .collect();
    format!("<row>{cells}</row>")
}

const VALUES_HEADER: [&str; 7] = [
    "indicator",
    "unit",
    "period",
    "series",
    "value",
    "status",
    "note",
];

/// The values header, then one cell at XFD1048576: 1.6 KB that asks for a 512 GiB rectangle.
pub fn far_cell() -> Vec<u8> {
    xlsx(
        text(&format!(
            "{}<row r=\"1048576\"><c r=\"XFD1048576\"><v>1</v></c></row>",
            row(&VALUES_HEADER)
        )),
        None,
    )
}

/// A values header and one shared string of `mib` MiB in A2.
pub fn huge_cell(mib: usize) -> Vec<u8> {
    xlsx(
        text(&format!(
            "{}<row><c t=\"s\"><v>0</v></c></row>",
            row(&VALUES_HEADER)
        )),
        Some(repeat(
            &format!("<sst xmlns=\"{NS}\" count=\"1\" uniqueCount=\"1\"><si><t>"),
            "x",
            mib << 20,
            "</t></si></sst>",
        )),
    )
}

/// A values header and `rows` rows of one figure each.
pub fn many_rows(rows: usize) -> Vec<u8> {
    xlsx(
        repeat(&row(&VALUES_HEADER), "<row><c><v>1</v></c></row>", rows, ""),
        None,
    )
}

/// `rows` rows of `columns` cells holding three spaces (one shared string): a sheet that looks
/// empty in a spreadsheet and is millions of cells to a reader.
pub fn whitespace(rows: usize, columns: usize) -> Vec<u8> {
    let row = format!("<row>{}</row>", "<c t=\"s\"><v>0</v></c>".repeat(columns));
    xlsx(
        repeat("", &row, rows, ""),
        Some(text(&format!(
            "<sst xmlns=\"{NS}\" count=\"1\" uniqueCount=\"1\"><si><t xml:space=\"preserve\">   </t></si></sst>"
        ))),
    )
}

/// A workbook whose sheet part inflates to `mib` MiB of spaces (valid XML whitespace).
pub fn zip_bomb(mib: usize) -> Vec<u8> {
    xlsx(
        Part::Repeat {
            prefix: Vec::new(),
            unit: b" ".to_vec(),
            count: mib << 20,
            suffix: Vec::new(),
            crc: false,
        },
        None,
    )
}

/// A values CSV cut short inside a quoted note.
pub fn unterminated_csv() -> Vec<u8> {
    b"indicator,unit,period,series,value,status,note\n\
      DT_LUA,06841,2020S1,actual,1,official,\"ok\"\n\
      DT_LUA,06844,2020S1,actual,2,official,\"cut sh"
        .to_vec()
}

/// A values CSV of `rows` rows, each with an unreadable figure.
pub fn many_problems(rows: usize) -> Vec<u8> {
    let mut out = String::from("indicator,unit,period,series,value,status,note\n");
    for i in 0..rows {
        out.push_str(&format!("DT_LUA,06841,2020S1,actual,x{i},official,\n"));
    }
    out.into_bytes()
}

/// The values header and `rows` rows whose figure is not a number: a fault in every row.
pub fn many_problems_xlsx(rows: usize) -> Vec<u8> {
    xlsx(
        repeat(
            &row(&VALUES_HEADER),
            &row(&["DT_LUA", "06838", "2026S1", "actual", "x", "official"]),
            rows,
            "",
        ),
        None,
    )
}

/// An XLS workbook of `sheets` sheets (all pointing at one substream, as a crafted file may)
/// with a cell at A1 and one at IV65536, the format's farthest: each sheet a rectangle of
/// 16.7 million cells to calamine.
pub fn far_cell_xls(sheets: usize) -> Vec<u8> {
    let record = |typ: u16, data: &[u8]| {
        [
            &typ.to_le_bytes()[..],
            &(data.len() as u16).to_le_bytes(),
            data,
        ]
        .concat()
    };
    let bof = record(
        0x0809,
        &[0x00, 0x06, 0x10, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    );
    let eof = record(0x000A, &[]);
    let number = |row: u16, col: u16| {
        let mut data = Vec::new();
        data.extend_from_slice(&row.to_le_bytes());
        data.extend_from_slice(&col.to_le_bytes());
        data.extend_from_slice(&0u16.to_le_bytes());
        data.extend_from_slice(&1f64.to_le_bytes());
        record(0x0203, &data)
    };
    let sheet_record_len = 4 + 10;
    let globals_len = bof.len() + sheets * sheet_record_len + eof.len();
    let mut stream = bof.clone();
    for _ in 0..sheets {
        let mut data = (globals_len as u32).to_le_bytes().to_vec();
        // Visible worksheet, a name of 2 Latin-1 characters.
        data.extend_from_slice(&[0, 0, 2, 0, b'S', b'1']);
        stream.extend(record(0x0085, &data));
    }
    stream.extend_from_slice(&eof);
    stream.extend_from_slice(&bof);
    stream.extend(number(0, 0));
    stream.extend(number(65535, 255));
    stream.extend_from_slice(&eof);
    // Past the mini stream cut-off, so the stream lives in ordinary sectors.
    let length = stream.len().max(4096);
    stream.resize(length.div_ceil(512) * 512, 0);
    let stream_sectors = stream.len() / 512;
    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    let put16 =
        |h: &mut Vec<u8>, at: usize, v: u16| h[at..at + 2].copy_from_slice(&v.to_le_bytes());
    let put32 =
        |h: &mut Vec<u8>, at: usize, v: u32| h[at..at + 4].copy_from_slice(&v.to_le_bytes());
    put16(&mut header, 0x18, 0x3E);
    put16(&mut header, 0x1A, 3);
    put16(&mut header, 0x1C, 0xFFFE);
    put16(&mut header, 0x1E, 9);
    put16(&mut header, 0x20, 6);
    put32(&mut header, 0x2C, 1); // one FAT sector
    put32(&mut header, 0x30, 1); // the directory in sector 1
    put32(&mut header, 0x38, 4096);
    put32(&mut header, 0x3C, 0xFFFF_FFFE);
    put32(&mut header, 0x44, 0xFFFF_FFFE);
    for i in 0..109 {
        put32(
            &mut header,
            0x4C + 4 * i,
            if i == 0 { 0 } else { 0xFFFF_FFFF },
        );
    }
    let mut fat = vec![0xFFFF_FFFFu32; 128];
    fat[0] = 0xFFFF_FFFD;
    fat[1] = 0xFFFF_FFFE;
    for i in 0..stream_sectors {
        fat[2 + i] = if i + 1 == stream_sectors {
            0xFFFF_FFFE
        } else {
            (3 + i) as u32
        };
    }
    let entry = |name: &str, kind: u8, start: u32, size: u32| {
        let mut e = vec![0u8; 128];
        let units: Vec<u16> = name.encode_utf16().collect();
        for (i, u) in units.iter().enumerate() {
            e[2 * i..2 * i + 2].copy_from_slice(&u.to_le_bytes());
        }
        e[64..66].copy_from_slice(&(((units.len() + 1) * 2) as u16).to_le_bytes());
        e[66] = kind;
        e[68..80].copy_from_slice(&[0xFF; 12]); // no siblings, no child
        e[116..120].copy_from_slice(&start.to_le_bytes());
        e[120..124].copy_from_slice(&size.to_le_bytes());
        e
    };
    let mut root = entry("Root Entry", 5, 0xFFFF_FFFE, 0);
    root[76..80].copy_from_slice(&1u32.to_le_bytes()); // its child: the workbook
    let mut out = header;
    out.extend(fat.iter().flat_map(|v| v.to_le_bytes()));
    out.extend(root);
    out.extend(entry("Workbook", 2, 2, length as u32));
    out.extend(vec![0u8; 256]);
    out.extend(stream);
    out
}

/// An ODS whose one row of one figure is repeated over 9,000 rows and 10,000 columns: 90
/// million cells, under calamine's own cap of 100 million (3.2 GB).
pub fn ods_repeated() -> Vec<u8> {
    let content = "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
        xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\"><office:body><office:spreadsheet>\
        <table:table table:name=\"S\"><table:table-row table:number-rows-repeated=\"9000\">\
        <table:table-cell table:number-columns-repeated=\"10000\" office:value-type=\"float\" office:value=\"1\"/>\
        </table:table-row></table:table></office:spreadsheet></office:body></office:document-content>";
    zip(vec![
        (
            "mimetype",
            text("application/vnd.oasis.opendocument.spreadsheet"),
        ),
        (
            "META-INF/manifest.xml",
            text(
                "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\">\
                 <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
                 <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>",
            ),
        ),
        ("content.xml", text(content)),
    ])
}

/// A ZIP container of `parts`, in order.
pub fn zip(parts: Vec<(&str, Part)>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, part) in &parts {
        let (method, data, crc, size) = match part {
            Part::Bytes(b) => (0u16, b.clone(), crc32(b.iter().copied()), b.len()),
            Part::Repeat {
                prefix,
                unit,
                count,
                suffix,
                crc,
            } => {
                let size = prefix.len() + unit.len() * count + suffix.len();
                let crc = if *crc {
                    crc32(
                        prefix
                            .iter()
                            .chain(unit.iter().cycle().take(unit.len() * count))
                            .chain(suffix.iter())
                            .copied(),
                    )
                } else {
                    0
                };
                (8, deflate_repeat(prefix, unit, *count, suffix), crc, size)
            }
        };
        let offset = out.len() as u32;
        let fields = |out: &mut Vec<u8>| {
            out.extend_from_slice(&20u16.to_le_bytes()); // version needed
            out.extend_from_slice(&0u16.to_le_bytes()); // flags
            out.extend_from_slice(&method.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes()); // time
            out.extend_from_slice(&0x21u16.to_le_bytes()); // 1980-01-01
            out.extend_from_slice(&crc.to_le_bytes());
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(&(size as u32).to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes()); // extra
        };
        out.extend_from_slice(&0x04034b50u32.to_le_bytes());
        fields(&mut out);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&data);
        central.extend_from_slice(&0x02014b50u32.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes()); // version made by
        fields(&mut central);
        central.extend_from_slice(&[0; 8]); // comment, disk, internal and external attributes
        central.extend_from_slice(&[0; 2]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let at = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x06054b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(parts.len() as u16).to_le_bytes());
    out.extend_from_slice(&(parts.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn crc32(bytes: impl Iterator<Item = u8>) -> u32 {
    let table: Vec<u32> = (0..256u32)
        .map(|n| {
            (0..8).fold(n, |c, _| {
                if c & 1 == 1 {
                    0xEDB88320 ^ (c >> 1)
                } else {
                    c >> 1
                }
            })
        })
        .collect();
    !bytes.fold(!0u32, |c, b| {
        table[((c ^ b as u32) & 0xFF) as usize] ^ (c >> 8)
    })
}

/// Bits into bytes, least significant first (RFC 1951, 3.1.1).
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u32, width: u32) {
        self.acc |= (value as u64) << self.n;
        self.n += width;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code, which goes most significant bit first.
    fn code(&mut self, code: u32, width: u32) {
        let reversed = (0..width).fold(0, |r, i| r | ((code >> i) & 1) << (width - 1 - i));
        self.put(reversed, width);
    }

    /// A literal byte in the fixed code.
    fn literal(&mut self, b: u8) {
        match b {
            0..=143 => self.code(0x30 + b as u32, 8),
            _ => self.code(0x190 + (b as u32 - 144), 9),
        }
    }
}

/// One fixed-Huffman block: the prefix and one `unit` as literals, the other repetitions as
/// back-references of length 258 at distance `unit.len()`, the remainder and the suffix as
/// literals.
fn deflate_repeat(prefix: &[u8], unit: &[u8], count: usize, suffix: &[u8]) -> Vec<u8> {
    let mut bits = Bits {
        out: Vec::new(),
        acc: 0,
        n: 0,
    };
    bits.put(1, 1); // the last block
    bits.put(1, 2); // fixed Huffman codes
    prefix.iter().for_each(|&b| bits.literal(b));
    if count > 0 {
        unit.iter().for_each(|&b| bits.literal(b));
        let distance = unit.len();
        assert!((1..=32768).contains(&distance), "a unit of at most 32 KiB");
        let (code, extra, base) = distance_code(distance);
        let mut left = unit.len() * (count - 1);
        while left >= 258 {
            bits.code(0xC5, 8); // length 258: symbol 285
            bits.code(code, 5);
            bits.put((distance - base) as u32, extra);
            left -= 258;
        }
        // What is left starts where a unit starts, since 258-byte copies keep the period.
        let done = unit.len() * (count - 1) - left;
        (0..left).for_each(|i| bits.literal(unit[(done + i) % unit.len()]));
    }
    suffix.iter().for_each(|&b| bits.literal(b));
    bits.code(0, 7); // end of block
    bits.put(0, 7); // flush
    bits.out
}

fn distance_code(distance: usize) -> (u32, u32, usize) {
    const BASE: [usize; 30] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
        2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
    ];
    let code = BASE
        .iter()
        .rposition(|&b| b <= distance)
        .expect("a distance");
    let extra = if code < 4 { 0 } else { (code as u32 - 2) / 2 };
    (code as u32, extra, BASE[code])
}
