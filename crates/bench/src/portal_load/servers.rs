//! The two servers of the run, each a child process stopped when dropped: the real `solieu
//! serve`, and nginx serving the pages solieu rendered as static files (the ceiling: no
//! database, no template, the same bytes).

use super::http::Client;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A free port on loopback.
pub fn free_address() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address")
}

/// A child process, stopped (by its own id) when dropped.
pub struct Running {
    child: Child,
    pub addr: SocketAddr,
}

impl Running {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Running {
    /// SIGTERM first: nginx's master stops its workers then, not on SIGKILL.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let asked = Instant::now();
        while asked.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A line of `/proc/PID/status` in KiB (`VmRSS`, `VmHWM`).
pub fn memory_kib(pid: u32, key: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Starts the peak (`VmHWM`) again from the current resident memory, so that the peak read
/// after the load is the load's, not the start-up's (Linux: `clear_refs` 5).
pub fn reset_peak(pid: u32) -> bool {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok()
}

/// `solieu serve` on the database, once it answers its home page (it first builds the search
/// index from every published article).
pub fn solieu(binary: &Path, db: &Path, log: &Path) -> (Running, Duration) {
    let addr = free_address();
    let started = Instant::now();
    let child = Command::new(binary)
        .args(["--db", &db.display().to_string(), "serve", "--listen"])
        .arg(addr.to_string())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).expect("a log file"))
        .spawn()
        .expect("solieu serve starts");
    let mut server = Running { child, addr };
    wait_until_answering(&mut server, Duration::from_secs(600), log);
    (server, started.elapsed())
}

fn wait_until_answering(server: &mut Running, limit: Duration, log: &Path) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let started = Instant::now();
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!("the server stopped ({status}); see {}", log.display());
        }
        let answered = runtime.block_on(async {
            let mut client = Client::connect(server.addr).await.ok()?;
            client.get("/").await.ok().map(|a| a.status)
        });
        if answered == Some(200) {
            return;
        }
        assert!(
            started.elapsed() < limit,
            "the server did not answer in time"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The nginx binary, if installed.
pub fn nginx_binary() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join("nginx"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    on_path
        .into_iter()
        .chain([PathBuf::from("/usr/sbin/nginx")])
        .find(|p| p.is_file())
}

/// nginx serving `pages` (address path, bytes) from `dir` at the same paths, two workers
/// (as solieu's runtime has two threads on this machine), keep-alive, no access log.
pub fn nginx(binary: &Path, dir: &Path, pages: &[(String, Vec<u8>)]) -> std::io::Result<Running> {
    let root = dir.join("static");
    for (path, bytes) in pages {
        let file = if path == "/" {
            root.join("index.html")
        } else {
            root.join(path.trim_start_matches('/'))
        };
        std::fs::create_dir_all(file.parent().expect("a folder"))?;
        std::fs::write(file, bytes)?;
    }
    let addr = free_address();
    let config = dir.join("nginx.conf");
    std::fs::write(&config, nginx_config(dir, &root, addr))?;
    let child = Command::new(binary)
        .arg("-e")
        .arg(dir.join("error.log"))
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(&config)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let mut server = Running { child, addr };
    wait_until_answering(&mut server, Duration::from_secs(10), &dir.join("error.log"));
    Ok(server)
}

fn nginx_config(dir: &Path, root: &Path, addr: SocketAddr) -> String {
    let d = dir.display();
    format!(
        "daemon off;
worker_processes 2;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 75s;
    keepalive_requests 10000000;
    types {{ }}
    default_type text/html;
    charset utf-8;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    server {{
        listen {addr};
        root {};
        location = / {{ try_files /index.html =404; }}
        location / {{ try_files $uri =404; }}
    }}
}}
",
        root.display()
    )
}
