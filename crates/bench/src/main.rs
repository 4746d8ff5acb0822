//! `solieu-bench`: the analytics engine against DuckDB on the same synthetic province.
//!
//! A province of 10 districts × 100 communes, 400 indicators, 50 months (20 million values),
//! generated from a fixed seed. Three queries, as the analytics issue defines them:
//! - Q1: totals per indicator and district for one year;
//! - Q2: for one indicator, each commune's year-to-date total against the same span a year
//!   earlier, with growth;
//! - Q3: every indicator's district and province totals for one month.
//!
//! Also measured: the time from writing a value to seeing it in a total, the bytes per value,
//! and the load rate. With `--duckdb`, the same data goes to a CSV file that DuckDB (from PyPI,
//! `pip install duckdb`) loads and queries in `duckdb/queries.py`; the ratios are printed.
//!
//! Run in release mode: `cargo run --release -p solieu-bench -- --duckdb`.
//!
//! The portal: `--portal N` times its search on N generated articles beside SQLite FTS5
//! ([`portal`]); `--portal-load N` serves N articles with the real `solieu serve` to many
//! clients at once, beside nginx serving the same pages as files ([`portal_load`]).

/// glibc's allocator fragments under sqlx's many small buffers (40 % of an import was spent in
/// it); mimalloc does not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use rust_decimal::Decimal;
use solieu_analytics::{Engine, Entry};
use solieu_core::indicator::{Aggregate, Indicator, TimeAggregate};
use solieu_core::lineage::Registry;
use solieu_core::measure::MeasureUnit;
use solieu_core::period::Period;
use solieu_core::unit::{UnitKind, UnitVersion};
use solieu_core::value::{Figure, Series, Status, ValueKey, ValueRecord};
use std::io::Write;
use std::time::{Duration, Instant};

struct Size {
    districts: usize,
    communes_per_district: usize,
    indicators: usize,
    months: u32,
}

/// splitmix64: a fixed, dependency-free sequence so every run measures the same data.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

const SEED: u64 = 20_200_630;
const FIRST_YEAR: i32 = 2022;

fn commune_code(i: usize) -> String {
    format!("C{i:05}")
}

fn registry(size: &Size) -> Registry {
    let mut units = vec![UnitVersion {
        code: "P".into(),
        name: "Tỉnh mẫu".into(),
        kind: UnitKind::Tinh,
        parent: None,
        valid_from: None,
        valid_to: None,
    }];
    for d in 0..size.districts {
        units.push(UnitVersion {
            code: format!("D{d:02}"),
            name: format!("Huyện {d}"),
            kind: UnitKind::Huyen,
            parent: Some("P".into()),
            valid_from: None,
            valid_to: None,
        });
        for c in 0..size.communes_per_district {
            let code = commune_code(d * size.communes_per_district + c);
            units.push(UnitVersion {
                name: format!("Xã {code}"),
                code,
                kind: UnitKind::Xa,
                parent: Some(format!("D{d:02}")),
                valid_from: None,
                valid_to: None,
            });
        }
    }
    Registry::new(units, Vec::new())
}

fn indicators(size: &Size) -> Vec<Indicator> {
    (0..size.indicators)
        .map(|i| Indicator {
            code: format!("I{i:03}"),
            name: format!("Chỉ tiêu {i}"),
            name_en: None,
            unit: MeasureUnit::parse("tỷ đồng"),
            group: vec![],
            aggregate: Aggregate::Sum,
            time_aggregate: TimeAggregate::Sum,
            decimals: 2,
            price_basis: None,
            formula: None,
        })
        .collect()
}

/// Calls `f(indicator, commune, month, value in hundredths)` for every value, in a fixed order.
fn each_value(size: &Size, mut f: impl FnMut(usize, usize, u32, i64)) {
    let mut random = Random(SEED);
    let communes = size.districts * size.communes_per_district;
    for i in 0..size.indicators {
        for c in 0..communes {
            for m in 0..size.months {
                f(i, c, m, (random.next() % 10_000_000) as i64);
            }
        }
    }
}

fn month(m: u32) -> Period {
    Period::from_index(i64::from(FIRST_YEAR) * 12 + i64::from(m), 1).expect("a valid month")
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut out = f(); // warm-up
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        out = f();
        times.push(started.elapsed());
    }
    (median(times), out)
}

/// Runs `f` over `items` on two threads, as DuckDB is given two.
fn on_two_threads<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let half = items.len().div_ceil(2);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(half.max(1))
            .map(|chunk| scope.spawn(|| chunk.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a query thread"))
            .collect()
    })
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

mod portal;
mod portal_load;

/// The command line: `--name value` pairs and bare flags.
struct Args(Vec<String>);

impl Args {
    fn flag(&self, name: &str) -> bool {
        self.0.iter().any(|a| a == name)
    }

    /// The number after `name`, if given and readable.
    fn value(&self, name: &str) -> Option<usize> {
        self.0
            .iter()
            .position(|a| a == name)
            .and_then(|i| self.0.get(i + 1))
            .and_then(|v| v.parse().ok())
    }

    fn number(&self, name: &str, default: usize) -> usize {
        self.value(name).unwrap_or(default)
    }
}

fn main() {
    let args = Args(std::env::args().skip(1).collect());
    let runs = args.number("--runs", 11);
    if args.flag("--portal") {
        portal::run(args.number("--portal", 100_000), runs.max(100));
        return;
    }
    if args.flag("--portal-load") {
        portal_load::run(&portal_load::Options {
            articles: args.number("--portal-load", 100_000),
            clients: args.number("--clients", 200),
            seconds: args.number("--seconds", 20) as u64,
            pages: args.number("--pages", 300),
            pause: Duration::from_millis(args.number("--pause", 0) as u64),
        });
        return;
    }
    let size = Size {
        districts: args.number("--districts", 10),
        communes_per_district: args.number("--communes-per-district", 100),
        indicators: args.number("--indicators", 400),
        months: args.number("--months", 50) as u32,
    };
    let total =
        size.indicators * size.districts * size.communes_per_district * size.months as usize;
    println!(
        "data: {} indicators × {} communes in {} districts × {} months = {} values (seed {SEED})",
        size.indicators,
        size.districts * size.communes_per_district,
        size.districts,
        size.months,
        total
    );
    let (mut engine, codes) = load_engine(&size, total);
    let queries = Queries::run(&engine, &size, &codes, runs);
    queries.print(runs);
    written_value_visible(
        &mut engine,
        &size,
        &codes,
        &queries.districts,
        &queries.year,
        runs,
    );
    if let Some(n) = args.value("--sqlite") {
        drop(engine);
        sqlite(&size, n);
    }
    if let Some(n) = args.value("--import-csv") {
        import_file(&size, n, false, false);
        import_file(&size, n, true, false);
    }
    if let Some(n) = args.value("--import-xlsx") {
        import_file(&size, n, false, true);
        import_file(&size, n, true, true);
    }
    if args.flag("--duckdb") {
        duckdb(
            &size,
            runs,
            queries.last_full_year,
            queries.times,
            queries.checks,
        );
    }
}

/// The three analytical queries, timed, with a check sum of what each found (the same as
/// DuckDB's when both are right).
struct Queries {
    last_full_year: i32,
    year: Period,
    districts: Vec<usize>,
    times: [Duration; 3],
    checks: [Decimal; 3],
}

impl Queries {
    fn run(engine: &Engine, size: &Size, codes: &[String], runs: usize) -> Queries {
        let registry = engine.registry();
        let last_full_year = FIRST_YEAR + (size.months / 12) as i32 - 1;
        let year = Period::year(last_full_year).expect("a year");
        let districts: Vec<usize> = (0..size.districts)
            .map(|d| {
                registry
                    .resolve(&format!("D{d:02}"), year.end_date())
                    .expect("district")
            })
            .collect();
        let province = registry.resolve("P", year.end_date()).expect("province");
        let indicator_ids: Vec<u32> = (0..size.indicators as u32).collect();

        // Q1: totals per indicator and district for one year.
        let (q1, q1_out) = time(runs, || {
            on_two_threads(&indicator_ids, |&i| {
                districts
                    .iter()
                    .map(|&d| engine.value(i, d, &year, &Series::Actual).map(|c| c.value))
                    .collect::<Vec<_>>()
            })
        });
        let q1_check: Decimal = q1_out.iter().flatten().flatten().sum();

        // Q2: one indicator, each commune's year-to-date against the same span a year earlier.
        let ytd = Period::year_to_date(last_full_year, 9).expect("a span");
        let commune_ids: Vec<usize> = codes
            .iter()
            .map(|c| registry.resolve(c, ytd.end_date()).expect("commune"))
            .collect();
        let (q2, q2_out) = time(runs, || {
            on_two_threads(&commune_ids, |&c| {
                let comparison = engine.compare_values(0, c, &ytd);
                comparison.previous.and_then(|p| p.change_percent)
            })
        });
        let q2_check: Decimal = q2_out.iter().flatten().map(|g| g.round_dp(6)).sum();

        // Q3: every indicator's district and province totals for one month.
        let june = Period::month(last_full_year, 6).expect("a month");
        let mut district_and_province = districts.clone();
        district_and_province.push(province);
        let (q3, q3_out) = time(runs, || {
            on_two_threads(&indicator_ids, |&i| {
                // One batch per indicator: the province reuses the district totals just computed.
                engine
                    .values_for(i, &district_and_province, &june, &Series::Actual)
                    .into_iter()
                    .map(|c| c.map(|c| c.value))
                    .collect::<Vec<_>>()
            })
        });
        let q3_check: Decimal = q3_out.iter().flatten().flatten().sum();
        Queries {
            last_full_year,
            year,
            districts,
            times: [q1, q2, q3],
            checks: [q1_check, q2_check, q3_check],
        }
    }

    fn print(&self, runs: usize) {
        let [q1, q2, q3] = self.times;
        let [q1_check, q2_check, q3_check] = self.checks;
        println!("solieu (median of {runs} warm runs, 2 threads):");
        println!(
            "  Q1 totals per indicator × district, one year:      {:8.2} ms  (check {q1_check})",
            ms(q1)
        );
        println!(
            "  Q2 one indicator, YTD vs last year per commune:     {:8.2} ms  (check {q2_check})",
            ms(q2)
        );
        println!(
            "  Q3 all indicators, district + province, one month:  {:8.2} ms  (check {q3_check})",
            ms(q3)
        );
    }
}

/// Imports the first `n` generated values into a new SQLite database through the store (as
/// `solieu import` does: planned, checked, written in transactions of 200,000 values), then
/// measures how long the engine takes to start from it.
fn sqlite(size: &Size, n: usize) {
    use solieu_core::changes::{Incoming, IncomingValue, Located, plan};
    use solieu_core::problem::Location as At;
    use solieu_store::{Location, Store};
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let dir = std::env::temp_dir().join("solieu-bench");
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let path = dir.join("values.db");
    // SOLIEU_BENCH_REUSE measures start-up again on the database of an earlier run.
    let reuse = std::env::var_os("SOLIEU_BENCH_REUSE").is_some() && path.exists();
    if !reuse {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
    let location = Location::parse(&path.display().to_string());
    runtime.block_on(async {
      if !reuse {
        let store = Store::create(&location).await.expect("a database");
        let registry = registry(size);
        let first = Incoming {
            units: registry.versions().iter().map(|u| Located { item: u.clone(), location: At::file("bench") }).collect(),
            indicators: indicators(size).into_iter().map(|i| Located { item: i, location: At::file("bench") }).collect(),
            ..Incoming::default()
        };
        let changes = plan(&store.stored().await.expect("read"), first).expect("a valid set-up");
        store.apply(&changes, "bench", false).await.expect("written");

        let codes: Vec<String> = (0..size.districts * size.communes_per_district).map(commune_code).collect();
        let mut batch: Vec<Located<IncomingValue>> = Vec::new();
        let mut written = 0usize;
        let mut writing = Duration::ZERO;
        let mut pending: Vec<Vec<Located<IncomingValue>>> = Vec::new();
        each_value(size, |i, c, m, hundredths| {
            if written + batch.len() + pending.len() * 200_000 >= n {
                return;
            }
            batch.push(Located {
                item: IncomingValue::from(ValueRecord {
                    key: ValueKey { indicator: format!("I{i:03}"), unit: codes[c].clone(), period: month(m), series: Series::Actual },
                    figure: Figure { value: Decimal::new(hundredths, 2), status: Status::Official, note: String::new() },
                }),
                location: At::line("bench.csv", (written + batch.len()) as u64 + 2),
            });
            if batch.len() == 200_000 {
                pending.push(std::mem::take(&mut batch));
            }
        });
        pending.push(batch);
        let stored = store.stored().await.expect("read");
        for values in pending {
            let count = values.len();
            let started = Instant::now();
            let changes = plan(&stored, Incoming { values, ..Incoming::default() }).expect("valid values");
            let planned = started.elapsed();
            store.apply(&changes, "bench", false).await.expect("written");
            if std::env::var_os("SOLIEU_BENCH_VERBOSE").is_some() {
                println!("  {count} values: planned in {:.2} s, written in {:.2} s", planned.as_secs_f64(), (started.elapsed() - planned).as_secs_f64());
            }
            writing += started.elapsed();
            written += count;
        }
        println!(
            "import into SQLite through the store: {written} values in {:.1} s ({:.0} values/s)",
            writing.as_secs_f64(),
            written as f64 / writing.as_secs_f64()
        );
        store.close().await;
      }

        if std::env::var_os("SOLIEU_BENCH_VERBOSE").is_some() {
            let store = Store::open(&location).await.expect("the database");
            let t = Instant::now();
            let n = store.for_each_value(|_| {}).await.expect("read");
            println!("  reading alone: {n} values in {:.3} s", t.elapsed().as_secs_f64());
            store.close().await;
        }
        let started = Instant::now();
        let store = Store::open(&location).await.expect("the database");
        let stored = store.stored().await.expect("read");
        let opened = started.elapsed();
        let mut engine = Engine::new(Registry::new(stored.units, stored.events), stored.indicators);
        let mut loader = engine.loader();
        let count = store
            .for_each_value(|v| loader.push(&Entry { value_id: v.id, record: v.record, entered_by: v.updated_by }))
            .await
            .expect("read");
        let read = started.elapsed();
        assert!(loader.finish().is_empty());
        let startup = started.elapsed();
        if std::env::var_os("SOLIEU_BENCH_VERBOSE").is_some() {
            println!(
                "  opened in {:.3} s, values read in {:.3} s, columns built in {:.3} s",
                opened.as_secs_f64(),
                (read - opened).as_secs_f64(),
                (startup - read).as_secs_f64()
            );
        }
        println!(
            "start-up from SQLite: {count} values into the engine in {:.2} s ({:.2} M values/s; 20 M would take {:.1} s)",
            startup.as_secs_f64(),
            count as f64 / startup.as_secs_f64() / 1e6,
            20e6 / (count as f64 / startup.as_secs_f64())
        );
    });
}

/// Writes the first `n` generated values as a values CSV (or the same table as the one sheet of
/// an XLSX workbook) and imports it as `solieu import` does (read, plan, write in one
/// transaction), into a new SQLite file or PostgreSQL database.
fn import_file(size: &Size, n: usize, postgres: bool, xlsx: bool) {
    use solieu_core::changes::{Incoming, Located, plan};
    use solieu_core::problem::Location as At;
    use solieu_io::{ReadOptions, read_csv};
    use solieu_store::{Location, Store};
    let dir = std::env::temp_dir().join("solieu-bench");
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let file = dir.join(if xlsx {
        "import-values.xlsx"
    } else {
        "import-values.csv"
    });
    let header = [
        "indicator",
        "unit",
        "period",
        "series",
        "value",
        "status",
        "note",
    ];
    if xlsx {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in header.iter().enumerate() {
            sheet.write_string(0, c as u16, *h).expect("write");
        }
        let mut row = 0u32;
        each_value(size, |i, c, m, hundredths| {
            if (row as usize) < n {
                row += 1;
                sheet
                    .write_string(row, 0, format!("I{i:03}"))
                    .expect("write");
                sheet.write_string(row, 1, commune_code(c)).expect("write");
                sheet.write_string(row, 2, month(m).code()).expect("write");
                sheet.write_string(row, 3, "actual").expect("write");
                // Stored as a number, as a spreadsheet stores a typed figure.
                sheet
                    .write_number(row, 4, hundredths as f64 / 100.0)
                    .expect("write");
                sheet.write_string(row, 5, "official").expect("write");
            }
        });
        book.save(&file).expect("the workbook");
    } else {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&file).expect("the CSV file"));
        writeln!(out, "{}", header.join(",")).expect("write");
        let mut written = 0;
        each_value(size, |i, c, m, hundredths| {
            if written < n {
                writeln!(
                    out,
                    "I{i:03},{},{},actual,{},official,",
                    commune_code(c),
                    month(m).code(),
                    Decimal::new(hundredths, 2)
                )
                .expect("write");
                written += 1;
            }
        });
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let location = if postgres {
            solieu_store::test_support::fresh_postgres().await
        } else {
            let path = dir.join("import.db");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            Location::parse(&path.display().to_string())
        };
        let store = Store::create(&location).await.expect("a database");
        let setup = Incoming {
            units: registry(size).versions().iter().map(|u| Located { item: u.clone(), location: At::file("bench") }).collect(),
            indicators: indicators(size).into_iter().map(|i| Located { item: i, location: At::file("bench") }).collect(),
            ..Incoming::default()
        };
        let changes = plan(&store.stored().await.expect("read"), setup).expect("a valid set-up");
        store.apply(&changes, "bench", false).await.expect("written");

        let started = Instant::now();
        let bytes = std::fs::read(&file).expect("the file");
        let read = if xlsx {
            let registry = registry(size);
            let indicators = indicators(size);
            let catalog = solieu_io::excel::Catalog { indicators: &indicators, registry: &registry };
            solieu_io::excel::read_workbook("import-values.xlsx", &bytes, None, &catalog, &ReadOptions::default())
        } else {
            read_csv("import-values.csv", &bytes, &ReadOptions::default())
        };
        assert!(read.problems.is_empty(), "{:?}", read.problems.first());
        let parsed = started.elapsed();
        let changes = plan(&store.stored().await.expect("read"), read.incoming).expect("valid values");
        let planned = started.elapsed();
        let report = store.apply(&changes, "bench", false).await.expect("written");
        let total = started.elapsed();
        println!(
            "import from {} into {}: {} values in {:.1} s ({:.0} values/s; read {:.1} s, checked {:.1} s, written {:.1} s)",
            if xlsx { "XLSX" } else { "CSV" },
            if postgres { "PostgreSQL" } else { "SQLite" },
            report.values_added,
            total.as_secs_f64(),
            report.values_added as f64 / total.as_secs_f64(),
            parsed.as_secs_f64(),
            (planned - parsed).as_secs_f64(),
            (total - planned).as_secs_f64()
        );
        store.close().await;
        if postgres {
            solieu_store::test_support::drop_postgres(&location).await;
        }
    });
}

/// Writes the data as CSV, runs `duckdb/queries.py` on it and prints the ratios.
fn duckdb(size: &Size, runs: usize, year: i32, ours: [Duration; 3], checks: [Decimal; 3]) {
    let dir = std::env::temp_dir().join("solieu-bench");
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let csv = dir.join("values.csv");
    let started = Instant::now();
    {
        let mut out = std::io::BufWriter::with_capacity(
            1 << 20,
            std::fs::File::create(&csv).expect("the CSV file"),
        );
        writeln!(out, "indicator,commune,district,month,value").expect("write");
        each_value(size, |i, c, m, hundredths| {
            let value = Decimal::new(hundredths, 2);
            writeln!(
                out,
                "{i},{c},{},{m},{value}",
                c / size.communes_per_district
            )
            .expect("write");
        });
    }
    println!(
        "wrote {} for DuckDB in {:.1} s",
        csv.display(),
        started.elapsed().as_secs_f64()
    );
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/duckdb/queries.py");
    let first_month_of_year = (year - FIRST_YEAR) * 12;
    let output = std::process::Command::new("python3")
        .arg(script)
        .arg(&csv)
        .arg(first_month_of_year.to_string())
        .arg(runs.to_string())
        .output()
        .expect("python3 runs");
    if !output.status.success() {
        eprintln!(
            "DuckDB failed (pip install duckdb?): {}",
            String::from_utf8_lossy(&output.stderr)
        );
        return;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    print!("{text}");
    let theirs: Vec<f64> = text
        .lines()
        .filter_map(|l| l.strip_prefix("RESULT "))
        .filter_map(|l| l.split_whitespace().nth(1)?.parse().ok())
        .collect();
    let their_checks: Vec<Decimal> = text
        .lines()
        .filter_map(|l| l.strip_prefix("RESULT "))
        .filter_map(|l| l.split_whitespace().nth(2)?.parse().ok())
        .collect();
    println!("ratio solieu / DuckDB (below 1: solieu is faster):");
    for (n, (o, t)) in ours.iter().zip(&theirs).enumerate() {
        let same = their_checks
            .get(n)
            .is_some_and(|c| (c.round_dp(2) - checks[n].round_dp(2)).abs() <= Decimal::new(1, 2));
        println!(
            "  Q{}: {:.2} ms / {:.2} ms = {:.2}  (same answer: {same})",
            n + 1,
            ms(*o),
            t,
            ms(*o) / t
        );
    }
}

/// Every generated value in a fresh engine, with the load's rate and memory printed; the
/// communes' codes beside it.
fn load_engine(size: &Size, total: usize) -> (Engine, Vec<String>) {
    let rss_before = rss_kib();
    let started = Instant::now();
    let mut engine = Engine::new(registry(size), indicators(size));
    let codes: Vec<String> = (0..size.districts * size.communes_per_district)
        .map(commune_code)
        .collect();
    let ind_codes: Vec<String> = (0..size.indicators).map(|i| format!("I{i:03}")).collect();
    // Loaded one indicator at a time so the entries never all sit in memory at once.
    let per_indicator = total / size.indicators.max(1);
    let mut batch: Vec<Entry> = Vec::with_capacity(per_indicator);
    let mut id = 0i64;
    each_value(size, |i, c, m, hundredths| {
        id += 1;
        batch.push(Entry {
            value_id: id,
            record: ValueRecord {
                key: ValueKey {
                    indicator: ind_codes[i].clone(),
                    unit: codes[c].clone(),
                    period: month(m),
                    series: Series::Actual,
                },
                figure: Figure {
                    value: Decimal::new(hundredths, 2),
                    status: Status::Official,
                    note: String::new(),
                },
            },
            entered_by: "bench".into(),
        });
        if batch.len() == per_indicator {
            assert!(engine.load(&batch).is_empty());
            batch.clear();
        }
    });
    assert!(engine.load(&batch).is_empty());
    let load = started.elapsed();
    let rss_after = rss_kib();
    println!(
        "load into the engine: {:.1} s ({:.1} M values/s)",
        load.as_secs_f64(),
        total as f64 / load.as_secs_f64() / 1e6
    );
    println!(
        "memory: {:.1} bytes per value in the value columns; process resident memory grew by {} MiB ({:.1} bytes per value)",
        engine.value_bytes() as f64 / total as f64,
        rss_after.zip(rss_before).map_or(0, |(a, b)| (a - b) / 1024),
        rss_after
            .zip(rss_before)
            .map_or(0.0, |(a, b)| (a - b) as f64 * 1024.0 / total as f64),
    );
    (engine, codes)
}

/// How long a written value takes to show in its district's yearly total (the median of
/// `runs` writes).
fn written_value_visible(
    engine: &mut Engine,
    size: &Size,
    codes: &[String],
    districts: &[usize],
    year: &Period,
    runs: usize,
) {
    let last_full_year = chrono::Datelike::year(&year.start_date());
    // A written value, visible to the next query.
    let mut visible = Vec::new();
    let mut random = Random(SEED ^ 0xABCD);
    for n in 0..runs {
        let c = (random.next() as usize) % codes.len();
        let m = (last_full_year - FIRST_YEAR) as u32 * 12 + (random.next() % 12) as u32;
        let district = districts[c / size.communes_per_district];
        let started = Instant::now();
        engine
            .upsert(&Entry {
                value_id: -(n as i64) - 1,
                record: ValueRecord {
                    key: ValueKey {
                        indicator: "I000".into(),
                        unit: codes[c].clone(),
                        period: month(m),
                        series: Series::Actual,
                    },
                    figure: Figure {
                        value: Decimal::new(123_456, 2),
                        status: Status::Estimate,
                        note: String::new(),
                    },
                },
                entered_by: "officer".into(),
            })
            .expect("a known unit");
        let total = engine
            .value(0, district, year, &Series::Actual)
            .expect("a total");
        visible.push(started.elapsed());
        assert_eq!(
            total.status,
            Status::Estimate,
            "the new estimate is in the total"
        );
    }
    println!(
        "  a written value visible in its district's yearly total: {:.3} ms (median)",
        ms(median(visible))
    );
}
