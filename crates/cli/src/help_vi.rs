//! The command line's own words in Vietnamese: clap's help (the about of every command and
//! argument, the headings) and its refusals. The English texts stay in the doc comments, where
//! clap's derive puts them; a Vietnamese run replaces them once, before parsing, so one run
//! speaks one language.

use clap::Command;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use solieu_core::problem::Lang;
use std::error::Error as _;

/// The language asked for, read before clap parses anything: clap's own texts depend on it.
pub fn lang_from_args(args: &[std::ffi::OsString]) -> Lang {
    let mut given = None;
    let mut iter = args.iter().skip(1).filter_map(|a| a.to_str());
    while let Some(arg) = iter.next() {
        if arg == "--" {
            break;
        }
        if arg == "--lang" {
            given = iter.next().map(str::to_string);
        } else if let Some(value) = arg.strip_prefix("--lang=") {
            given = Some(value.to_string());
        }
    }
    let given = given.or_else(|| std::env::var("SOLIEU_LANG").ok());
    match given.as_deref().map(str::trim) {
        Some("en") | Some("EN") | Some("En") => Lang::En,
        _ => Lang::Vi,
    }
}

const TEMPLATE: &str =
    "{before-help}{about-with-newline}\nCách dùng: {usage}\n\n{all-args}{after-help}";
const OPTIONS: &str = "Tùy chọn";
const ARGUMENTS: &str = "Đối số";

/// The Vietnamese about of a command, by its path of names ("" for solieu itself).
fn command_about(path: &str) -> Option<&'static str> {
    Some(match path {
        "" => {
            "solieu — số liệu kinh tế - xã hội: thu thập số liệu của địa phương, so sánh với kế hoạch \
             và cùng kỳ năm trước, lưu lại mọi lần thay đổi."
        }
        "init" => {
            "Tạo cơ sở dữ liệu trống (một tệp SQLite, hoặc các bảng trong cơ sở dữ liệu PostgreSQL)."
        }
        "import" => {
            "Nạp đơn vị hành chính, quan hệ sáp nhập, chỉ tiêu, số liệu, quy tắc kiểm tra và sổ theo dõi \
             chương trình từ tệp, nạp hết hoặc không nạp gì; hoặc tạo biểu mẫu để điền (--template). \
             Mỗi tệp CSV và mỗi trang tính được nhận biết theo dòng tiêu đề (xem docs/formats.md). \
             Nếu có dòng nào sai, không nạp gì và liệt kê mọi lỗi kèm tệp, trang, dòng và cột."
        }
        "export" => "Xuất đơn vị, quan hệ sáp nhập, chỉ tiêu và số liệu đã lưu ra tệp CSV.",
        "values" => "Liệt kê số liệu đã lưu, có thể kèm mọi phiên bản trước của từng số liệu.",
        "query" => {
            "Số liệu của một đơn vị trong một kỳ, kèm từng kế hoạch và cùng kỳ năm trước, tính từ số \
             liệu đã lưu (cộng dồn theo tháng và theo xã, qua các lần sáp nhập)."
        }
        "report" => {
            "Lập báo cáo kinh tế - xã hội của một đơn vị cho một kỳ (DOCX theo thể thức Nghị định \
             30/2020, phụ lục XLSX, HTML, PDF, Markdown, JSON kèm nguồn gốc từng số liệu) từ mẫu \
             báo cáo sửa được."
        }
        "reports" => {
            "Các báo cáo đã lập: liệt kê, xem lại đúng như khi lập, hoặc những gì đã thay đổi."
        }
        "reports/list" => "Mọi báo cáo đã lập (của một đơn vị, với --unit).",
        "reports/show" => "Một báo cáo đã lập, đúng như khi lập, dù số liệu đã sửa sau đó.",
        "reports/diff" => {
            "Những số liệu trong một báo cáo đã lập nay đã khác, tính lại từ số liệu hiện có."
        }
        "validate" => {
            "Áp dụng các quy tắc kiểm tra cho số liệu của một đơn vị (và các đơn vị trực thuộc) trong \
             một kỳ; thoát với mã 3 nếu vi phạm một quy tắc quan trọng."
        }
        "units" => {
            "Các đơn vị hành chính tại một ngày, hoặc các phiên bản và quá trình sáp nhập của một đơn vị."
        }
        "backup" => "Sao chép toàn bộ cơ sở dữ liệu, kể cả mọi lần sửa, sang một tệp SQLite mới.",
        "restore" => "Khôi phục bản sao lưu vào cơ sở dữ liệu --db, cơ sở dữ liệu này phải trống.",
        "ntm" => {
            "Nông thôn mới: số tiêu chí và chỉ tiêu đạt của từng xã, bình quân của huyện, mức tăng từ \
             đầu năm, lộ trình và những gì mỗi xã còn thiếu."
        }
        "ocop" => {
            "Sản phẩm OCOP: sản phẩm, số sao theo quy định của năm đánh giá, thống kê theo số sao, xã \
             và năm, giấy chứng nhận sắp hết hạn."
        }
        "projects" => {
            "Dự án hỗ trợ phát triển sản xuất trong năm theo nguồn vốn: bước đã đạt, vốn hỗ trợ so với kế hoạch."
        }
        "tasks" => {
            "Nhiệm vụ được giao tại các kết luận: tình hình tại một ngày, quá hạn theo cơ quan; \
             `tasks done MÃ --note …` ghi nhận hoàn thành, `tasks history MÃ` cho xem mọi trạng thái."
        }
        "tasks/done" => {
            "Ghi nhận một nhiệm vụ đã hoàn thành (lưu vào lịch sử kèm người ghi và thời điểm)."
        }
        "tasks/history" => "Mọi trạng thái của nhiệm vụ, kèm người ghi, thời điểm và nguồn.",
        "tasks/documents" => {
            "Sổ văn bản: số và ký hiệu, ngày, cơ quan ban hành, trích yếu, nhiệm vụ được giao."
        }
        "demo" => {
            "Dựng cơ sở dữ liệu mẫu huyện Bình Liêu kèm các tài khoản mẫu, rồi mở ứng dụng web."
        }
        "serve" => "Chạy ứng dụng web (các trang và API JSON tại /api/v1).",
        "user" => "Tài khoản web: thêm (add), đổi mật khẩu (passwd), khoá (disable).",
        "user/add" => {
            "Thêm tài khoản. Mật khẩu đọc từ SOLIEU_PASSWORD hoặc dòng đầu của đầu vào chuẩn."
        }
        "user/passwd" => {
            "Đặt mật khẩu mới (đọc như khi thêm); mọi phiên đăng nhập của tài khoản kết thúc."
        }
        "user/disable" => {
            "Khoá tài khoản: các phiên đăng nhập và mã truy cập của nó ngừng hoạt động ngay."
        }
        "workflow" => {
            "Duyệt số liệu của một bộ số liệu theo từng cấp, với tài khoản ghi ở --user: xem trạng thái \
             và lịch sử (show), gửi duyệt (submit), duyệt ở cấp kế tiếp (approve), trả lại (return) \
             hoặc mở lại (reopen) kèm lý do."
        }
        _ => return None,
    })
}

/// The Vietnamese help of an argument: first by command and argument, then by argument alone
/// for those that mean the same everywhere.
fn arg_help(path: &str, id: &str) -> Option<&'static str> {
    let specific = match (path, id) {
        ("import", "files") => {
            "Tệp CSV, bảng tính (XLSX, XLS, ODS), JSON của Tổng cục Thống kê, tệp DHIS2; thứ tự tuỳ ý."
        }
        ("import", "dry_run") => {
            "Kiểm tra tất cả và cho biết sẽ thay đổi những gì, nhưng không ghi gì."
        }
        ("import", "decimal") => {
            "Cách viết số: comma (643,41 và 1.372.557) hoặc point (643.41 và 1,372,557). Nếu không \
             ghi, cách viết của mỗi tệp được suy ra từ những số chỉ đọc được một cách."
        }
        ("import", "effective") => {
            "Ngày phương án sắp xếp (JSON) có hiệu lực: đơn vị mới bắt đầu từ ngày đó, đơn vị cũ \
             kết thúc vào ngày hôm trước."
        }
        ("import", "dhis2_mapping") => {
            "Với tệp DHIS2: tệp CSV `kind,dhis2,solieu` nối mã của DHIS2 với mã của solieu."
        }
        ("import", "mapping") => {
            "Với biểu mẫu không do --template tạo ra: tệp CSV `sheet,column,role,unit,period,series,status` \
             cho biết mỗi cột chứa gì (docs/formats.md)."
        }
        ("import", "template") => {
            "Không nạp gì: tạo biểu mẫu trống để điền cho --unit và --period (chỉ tiêu theo dòng; \
             các xã, hoặc kế hoạch / cùng kỳ / kỳ này theo cột), điền xong nạp lại được ngay."
        }
        ("import", "limits") => {
            "Nâng (hoặc hạ) một giới hạn về nội dung tệp, dạng TÊN=N; lặp lại cho nhiều giới hạn. \
             Tệp vượt giới hạn bị từ chối kèm tên giới hạn. Các giới hạn và mặc định: xem docs/limits.md."
        }
        ("import", "unit") => "Với --template: đơn vị báo cáo (mã hoặc tên).",
        ("import", "period") => "Với --template: kỳ báo cáo: 2020S1, 2020, 202006 …",
        ("import", "layout") => {
            "Với --template: mỗi xã trực thuộc một cột (communes) hoặc kế hoạch, cùng kỳ năm trước \
             và kỳ này (series). Mặc định: communes nếu đơn vị có xã trực thuộc."
        }
        ("import", "indicators") => {
            "Với --template: chỉ các chỉ tiêu này (mã, cách nhau bằng dấu phẩy)."
        }
        ("import", "group") => {
            "Với --template: chỉ các chỉ tiêu của nhóm này (\"Kinh tế > Dịch vụ\", có thể bỏ dấu)."
        }
        ("import", "status") => "Với --template: trạng thái của số liệu sẽ điền.",
        ("export", "out") => "Thư mục ghi units.csv, lineage.csv, indicators.csv và values.csv.",
        ("export", "only") => "Chỉ xuất một trong số đó, ra đầu ra chuẩn nếu không có --out.",
        ("export", "format") => {
            "Định dạng: CSV của solieu, hoặc số liệu thực hiện dạng tập giá trị DHIS2 (JSON, CSV, XML) \
             hay ADX, ra đầu ra chuẩn nếu --out không chỉ tệp."
        }
        ("export", "dhis2_mapping") => {
            "Với định dạng DHIS2: bảng nối mã của solieu với mã của DHIS2 (xem import)."
        }
        ("export", "programs") => {
            "Xuất các sổ theo dõi chương trình (NTM, OCOP, nguồn vốn, dự án, văn bản, nhiệm vụ) ra --out."
        }
        ("values", "indicator") => "Chỉ chỉ tiêu này (mã).",
        ("values", "unit") => "Chỉ đơn vị này (mã đơn vị hành chính).",
        ("values", "period") => {
            "Chỉ số liệu có kỳ nằm trong kỳ này (2020, 2020S1, 202006, 2020-01-01/P9M)."
        }
        ("values", "series") => {
            "Chỉ loại số liệu này: actual (thực hiện), plan (kế hoạch), plan:hdnd-huyen …"
        }
        ("values", "history") => {
            "Kèm lịch sử của từng số liệu: mọi lần sửa, ai sửa, lúc nào, từ nguồn nào."
        }
        ("query", "indicator") => {
            "Mã chỉ tiêu, cách nhau bằng dấu phẩy; nếu không ghi, mọi chỉ tiêu có số liệu."
        }
        ("query", "unit") => "Đơn vị (mã, cách nhau bằng dấu phẩy), theo địa giới tại cuối kỳ.",
        ("query", "children") => "Kèm mọi đơn vị trực thuộc đơn vị (đầu tiên): các xã của huyện.",
        ("query", "period") => {
            "Các kỳ, cách nhau bằng dấu phẩy: 2020S1, 2020, 202006, 2020-01-01/P9M …"
        }
        ("query", "rows") => "Bảng số liệu thay cho danh sách: chiều đặt theo dòng.",
        ("query", "columns") => "… và chiều đặt theo cột (chiều còn lại chỉ có một giá trị).",
        ("report", "unit") => "Đơn vị (mã), theo địa giới tại cuối kỳ.",
        ("report", "period") => "Kỳ báo cáo: 2020S1, 2020, 2020Q3, 202006 …",
        ("report", "format") => {
            "Định dạng, cách nhau bằng dấu phẩy: docx, xlsx, html, pdf, md, json (mặc định: theo đuôi tệp --out)."
        }
        ("report", "out") => {
            "Tệp cần ghi (đổi đuôi theo từng định dạng khi yêu cầu nhiều định dạng), hoặc thư mục khi \
             có --children. Nếu không ghi, bản Markdown in ra đầu ra chuẩn."
        }
        ("report", "template") => {
            "Mẫu báo cáo (minijinja, xem docs/report-templates.md) thay cho mẫu có sẵn."
        }
        ("report", "programs") => {
            "Số liệu chương trình (NTM, OCOP, dự án) dạng JSON, cho các phần chương trình của mẫu."
        }
        ("report", "date") => {
            "Ngày ghi trên văn bản (mặc định: ngày sau ngày chốt số liệu theo Nghị định 09)."
        }
        ("report", "number") => "Số văn bản: \"123/BC-UBND\".",
        ("report", "settings") => {
            "Thiết lập báo cáo của văn phòng (JSON): người ký cho từng đơn vị, cách in tỷ lệ phần trăm \
             (xem docs/report-templates.md; của bản demo: demo/report-settings.json)."
        }
        ("report", "show_template") => "In mẫu báo cáo sẽ dùng (để chép và sửa), không ghi gì.",
        ("report", "children") => {
            "Lập thêm báo cáo cho mọi đơn vị trực thuộc (từng xã), vào thư mục --out."
        }
        ("reports/list", "unit") => "Chỉ báo cáo của đơn vị này (mã).",
        ("reports/show" | "reports/diff", "id") => "Số thứ tự của báo cáo đã lập.",
        ("reports/show", "format") => {
            "docx, xlsx, html, pdf, md, json (mặc định: theo đuôi tệp --out, nếu không thì md)."
        }
        ("reports/show", "out") => "Tệp cần ghi; nếu không ghi, bản Markdown in ra đầu ra chuẩn.",
        ("validate", "unit") => "Đơn vị (mã đơn vị hành chính).",
        ("validate", "period") => "Kỳ: 2020S1, 2020, 202006 …",
        ("validate", "children") => "Kèm mọi đơn vị trực thuộc.",
        ("units", "code") => {
            "Mã đơn vị: cho xem các phiên bản và địa giới của đơn vị đến từ đâu, đi về đâu."
        }
        ("units", "date") => "Ngày cần xem (mặc định: hôm nay).",
        ("backup", "file") => "Tệp sao lưu cần tạo.",
        ("restore", "file") => "Tệp do `solieu backup` tạo ra.",
        ("ntm" | "ocop", "unit") => "Đơn vị: một huyện (các xã của huyện) hoặc một xã (mã).",
        ("ntm", "set") => {
            "Một bộ tiêu chí (mã); mặc định: mọi bộ tiêu chí mà các xã được đánh giá theo."
        }
        ("ntm", "lacking") => "Liệt kê, cho từng xã, các tiêu chí và chỉ tiêu chưa đạt.",
        ("ntm", "below") => "Ngưỡng của \"xã dưới N tiêu chí\".",
        ("ocop", "warn_days") => "Cảnh báo giấy chứng nhận hết hạn trong vòng chừng này ngày.",
        ("projects", "unit") => "Đơn vị: một huyện (các xã của huyện) hoặc một xã (mã).",
        ("projects", "year") => "Năm của chương trình.",
        ("tasks", "document") => "Chỉ các nhiệm vụ do một văn bản giao (số văn bản: 650-KL/HU).",
        ("tasks/done" | "tasks/history", "id") => "Mã nhiệm vụ.",
        ("tasks/done", "note") => "Đã làm gì, hoặc văn bản báo cáo việc đó.",
        ("tasks/done", "date") => "Ngày hoàn thành (mặc định: hôm nay).",
        ("demo", "no_serve") => "Chỉ dựng cơ sở dữ liệu, không mở ứng dụng web.",
        ("demo" | "serve", "listen") => {
            "Địa chỉ và cổng để phục vụ; đặt sau proxy TLS nếu không phải địa chỉ nội bộ (loopback)."
        }
        ("serve", "trusted_proxy") => {
            "Các proxy có tiêu đề X-Forwarded-For được tin (\"127.0.0.1,10.0.0.0/8\"); số lần đăng \
             nhập sai được đếm theo từng máy khách. Nếu không ghi, tiêu đề này bị bỏ qua."
        }
        ("serve", "poll_interval") => {
            "Số giây giữa hai lần xem những gì tiến trình khác (`solieu import`) đã ghi vào cơ sở dữ \
             liệu; trang tổng hợp hiện số liệu đó ở lần xem kế tiếp."
        }
        ("user/add" | "user/passwd" | "user/disable", "username") => "Tên đăng nhập.",
        ("user/add", "role") => {
            "Vai trò: admin (quản trị), office (phòng Tài chính - Kế hoạch), department (phòng, ban), commune (xã), leader (lãnh đạo)."
        }
        ("user/add", "unit") => "Đơn vị của tài khoản (mã xã; huyện hoặc tỉnh của phòng).",
        ("user/add", "group") => {
            "Nhóm chỉ tiêu của phòng, ban, ví dụ \"Văn hóa - xã hội > Y tế\"; lặp lại cho nhiều nhóm."
        }
        ("user/add", "name") => "Tên hiển thị trên các trang.",
        ("workflow", "action") => {
            "show (trạng thái và mọi bước), submit, approve, return hoặc reopen."
        }
        ("workflow", "data_set") => "Mã bộ số liệu (xem docs/formats.md, datasets).",
        ("workflow", "unit") => {
            "Mã đơn vị; duyệt một đơn vị có đơn vị trực thuộc thì duyệt luôn các đơn vị đó."
        }
        ("workflow", "period") => "Kỳ: 2026S1, 2026Q2, 202606 hoặc 2026.",
        ("workflow", "reason") => "Lý do trả lại hoặc mở lại (bắt buộc khi trả lại, mở lại).",
        ("help", "subcommand") => "Lệnh cần xem trợ giúp.",
        _ => "",
    };
    if !specific.is_empty() {
        return Some(specific);
    }
    Some(match id {
        "db" => "Cơ sở dữ liệu: đường dẫn tệp SQLite, hoặc địa chỉ postgres:// cho PostgreSQL.",
        "user" => "Người thực hiện thay đổi, được ghi kèm mỗi số liệu.",
        "lang" => "Ngôn ngữ của thông báo: vi (tiếng Việt) hoặc en (tiếng Anh).",
        "format" => "Định dạng đầu ra.",
        "date" => "Ngày cần xem (mặc định: hôm nay).",
        "help" => "In trợ giúp.",
        "version" => "In phiên bản.",
        _ => return None,
    })
}

/// Placeholders in usage and help: clap writes an argument's id in capitals.
fn value_name(name: &str) -> Option<&'static str> {
    Some(match name {
        "DB" => "CSDL",
        "USER" => "NGƯỜI_DÙNG",
        "LANG" => "NGÔN_NGỮ",
        "FILES" => "TỆP",
        "FILE" => "TỆP",
        "FILE.xlsx" => "TỆP.xlsx",
        "DECIMAL" => "CÁCH_VIẾT",
        "EFFECTIVE" => "NGÀY",
        "DATE" => "NGÀY",
        "DHIS2_MAPPING" | "MAPPING" | "PROGRAMS" | "TEMPLATE" => "TỆP",
        "NAME=N" => "TÊN=N",
        "UNIT" => "ĐƠN_VỊ",
        "PERIOD" => "KỲ",
        "LAYOUT" => "BỐ_CỤC",
        "INDICATORS" | "INDICATOR" => "CHỈ_TIÊU",
        "GROUP" => "NHÓM",
        "STATUS" => "TRẠNG_THÁI",
        "OUT" => "ĐẦU_RA",
        "ONLY" => "BẢNG",
        "FORMAT" => "ĐỊNH_DẠNG",
        "SERIES" => "LOẠI",
        "ROWS" => "DÒNG",
        "COLUMNS" => "CỘT",
        "NUMBER" => "SỐ",
        "CODE" => "MÃ",
        "SET" => "BỘ",
        "BELOW" | "WARN_DAYS" | "POLL_INTERVAL" => "N",
        "YEAR" => "NĂM",
        "DOCUMENT" => "VĂN_BẢN",
        "ID" => "MÃ",
        "NOTE" => "GHI_CHÚ",
        "LISTEN" => "ĐỊA_CHỈ",
        "TRUSTED_PROXY" => "PROXY",
        "USERNAME" => "TÊN_ĐĂNG_NHẬP",
        "ROLE" => "VAI_TRÒ",
        "NAME" => "TÊN",
        "COMMAND" => "LỆNH",
        "ACTION" => "THAO_TÁC",
        "DATA_SET" => "BỘ_SỐ_LIỆU",
        "REASON" => "LÝ_DO",
        _ => return None,
    })
}

/// Vietnamese texts on every command, argument and heading. Built first so that clap's own
/// `--help`, `--version` and `help` are there to translate too.
pub fn localize(mut cmd: Command, lang: Lang) -> Command {
    if lang == Lang::En {
        return cmd;
    }
    cmd.build();
    localize_command(cmd, "")
}

fn localize_command(cmd: Command, path: &str) -> Command {
    let about = command_about(path);
    let mut cmd = cmd
        .help_template(TEMPLATE)
        .subcommand_help_heading("Lệnh")
        .subcommand_value_name("LỆNH")
        .long_about(None::<&str>);
    if let Some(about) = about {
        cmd = cmd.about(about);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        cmd = cmd.mut_arg(&id, |arg| localize_arg(arg, path, &id));
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        // The `help` command holds a copy of the tree: its commands read as the real ones.
        let sub_path = if path.is_empty() || path == "help" {
            name.clone()
        } else {
            format!("{path}/{name}")
        };
        cmd = cmd.mut_subcommand(&name, |sub| {
            if name == "help" {
                localize_command(sub, "help")
                    .about("In trợ giúp của chương trình hoặc của các lệnh đã cho.")
            } else {
                localize_command(sub, &sub_path)
            }
        });
    }
    cmd
}

/// One argument: its help, its placeholder, and what clap would add in English (default,
/// environment variable, possible values) said in Vietnamese.
fn localize_arg(mut arg: clap::Arg, path: &str, id: &str) -> clap::Arg {
    let mut help = arg_help(path, id).unwrap_or("").to_string();
    if !arg.is_hide_possible_values_set() {
        let values: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect();
        if !values.is_empty() && id != "help" && id != "version" {
            help.push_str(&format!(" [giá trị: {}]", values.join(", ")));
        }
    }
    if !arg.is_hide_default_value_set() && !arg.get_default_values().is_empty() {
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .filter(|v| !v.is_empty())
            .collect();
        if !defaults.is_empty() && arg.get_action().takes_values() {
            help.push_str(&format!(" [mặc định: {}]", defaults.join(", ")));
        }
    }
    if let Some(env) = arg.get_env()
        && !arg.is_hide_env_set()
    {
        help.push_str(&format!(" [biến môi trường: {}]", env.to_string_lossy()));
    }
    if let Some(names) = arg.get_value_names() {
        let names: Vec<clap::builder::Str> = names
            .iter()
            .map(|n| value_name(n.as_str()).map_or_else(|| n.clone(), Into::into))
            .collect();
        arg = arg.value_names(names);
    } else if arg.get_action().takes_values()
        && let Some(name) = value_name(&id.to_uppercase())
    {
        arg = arg.value_name(name);
    }
    let heading = if arg.is_positional() {
        ARGUMENTS
    } else {
        OPTIONS
    };
    arg.help(help.trim().to_string())
        .long_help(None::<&str>)
        .hide_possible_values(true)
        .hide_default_value(true)
        .hide_env(true)
        .help_heading(heading)
}

/// Every command path and argument the tree has, for the test that finds a missing
/// translation.
#[cfg(test)]
fn untranslated(cmd: &Command, path: &str, missing: &mut Vec<String>) {
    if path != "help" && command_about(path).is_none() {
        missing.push(format!("command {path:?}"));
    }
    for arg in cmd.get_arguments() {
        if arg_help(path, arg.get_id().as_str()).is_none() {
            missing.push(format!("{path:?} {}", arg.get_id()));
        }
    }
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        let sub_path = if path.is_empty() {
            sub.get_name().to_string()
        } else {
            format!("{path}/{}", sub.get_name())
        };
        untranslated(sub, &sub_path, missing);
    }
}

/// clap's refusal in the run's language: what was wrong, in our words, and the usage.
pub fn refusal(err: &clap::Error) -> String {
    let context = |kind: ContextKind| -> Option<String> {
        match err.get(kind)? {
            ContextValue::String(s) => Some(s.clone()),
            ContextValue::Strings(v) => Some(v.join(", ")),
            ContextValue::StyledStr(s) => Some(s.to_string()),
            ContextValue::StyledStrs(v) => Some(
                v.iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ContextValue::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let arg = context(ContextKind::InvalidArg).unwrap_or_default();
    let value = context(ContextKind::InvalidValue).unwrap_or_default();
    let valid = context(ContextKind::ValidValue);
    let suggested = context(ContextKind::SuggestedArg)
        .or_else(|| context(ContextKind::SuggestedSubcommand))
        .or_else(|| context(ContextKind::SuggestedValue));
    let mut message = match err.kind() {
        ErrorKind::UnknownArgument => format!("không có tùy chọn “{arg}”"),
        ErrorKind::InvalidSubcommand => format!(
            "không có lệnh “{}”",
            context(ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::InvalidValue if value.is_empty() => format!("{arg} cần một giá trị"),
        ErrorKind::InvalidValue => format!("“{value}” không phải giá trị hợp lệ của {arg}"),
        ErrorKind::ValueValidation => {
            let reason = err
                .source()
                .map(|e| value_reason(&e.to_string()))
                .unwrap_or_default();
            format!("“{value}” không phải giá trị hợp lệ của {arg}{reason}")
        }
        ErrorKind::MissingRequiredArgument => format!("thiếu {arg}"),
        ErrorKind::MissingSubcommand => "cần chọn một lệnh".to_string(),
        ErrorKind::ArgumentConflict => {
            let other = context(ContextKind::PriorArg).unwrap_or_default();
            format!("không dùng {arg} cùng với {other}")
        }
        ErrorKind::TooManyValues => format!("{arg} nhận quá nhiều giá trị (“{value}”)"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("{arg} không đủ số giá trị")
        }
        ErrorKind::NoEquals => format!("{arg} cần dấu “=” trước giá trị"),
        ErrorKind::InvalidUtf8 => "đối số không phải văn bản UTF-8".to_string(),
        _ => "dòng lệnh không hợp lệ".to_string(),
    };
    if let Some(valid) = valid.filter(|v| !v.is_empty()) {
        message.push_str(&format!("; các giá trị hợp lệ: {valid}"));
    }
    if let Some(suggested) = suggested {
        message.push_str(&format!("; có phải ý bạn là “{suggested}”?"));
    }
    // Only some refusals carry the usage; the others end with the pointer to --help.
    let usage = err
        .get(ContextKind::Usage)
        .map(|u| u.to_string())
        .map(|u| u.trim().replace("Usage:", "Cách dùng:"))
        .map(|u| format!("\n\n{}", help_text(&u)))
        .unwrap_or_default();
    format!("lỗi: {message}{usage}\n\nXem thêm: --help")
}

/// What a value parser said, in Vietnamese where we know the parser.
fn value_reason(english: &str) -> String {
    if english.contains("input contains invalid characters")
        || english.contains("premature end of input")
        || english.contains("input is out of range")
        || english.contains("trailing input")
        || english.contains("input is not enough")
    {
        return ": cần một ngày dạng NNNN-TT-NN, ví dụ 2026-07-01".to_string();
    }
    if english.contains("is not a decimal convention") {
        return ": dùng comma (dấu phẩy thập phân) hoặc point (dấu chấm thập phân)".to_string();
    }
    if english.contains("expected NAME=N") {
        return ": cần dạng TÊN=N, ví dụ rows=2000000".to_string();
    }
    if english.contains("use KiB, MiB or GiB") || english.contains("not a whole number") {
        return ": cần dạng TÊN=N, N là số nguyên, có thể kèm KiB, MiB hoặc GiB".to_string();
    }
    if english.contains("invalid digit")
        || english.contains("cannot parse integer")
        || english.contains("not a whole number")
    {
        return ": cần một số nguyên".to_string();
    }
    if english.contains("invalid socket address") {
        return ": cần địa chỉ và cổng, ví dụ 127.0.0.1:8080".to_string();
    }
    String::new()
}

/// Help output in Vietnamese: clap writes the usage's "[OPTIONS]" itself.
pub fn help_text(rendered: &str) -> String {
    rendered.replace("[OPTIONS]", "[TÙY_CHỌN]")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn every_command_and_argument_has_vietnamese() {
        let mut missing = Vec::new();
        untranslated(&crate::Cli::command(), "", &mut missing);
        assert!(missing.is_empty(), "no Vietnamese for: {missing:#?}");
    }
}
