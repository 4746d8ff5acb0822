//! A small HTTP/1.1 client over tokio's TCP stream (GET only, keep-alive, Content-Length or
//! chunked bodies) and the load it drives: lighter than a client crate, and it asks each
//! server exactly the same bytes.

use std::io::{Error, ErrorKind};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A reader's browser: the visit counter counts it as a person (what a page costs includes
/// the counting).
pub const AGENT: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

/// One keep-alive connection.
pub struct Client {
    addr: SocketAddr,
    stream: TcpStream,
    /// What was read and not yet used.
    buf: Vec<u8>,
}

fn invalid(what: &str) -> Error {
    Error::new(ErrorKind::InvalidData, what.to_string())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A header's value (names compared without case).
fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

impl Client {
    pub async fn connect(addr: SocketAddr) -> std::io::Result<Client> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Client {
            addr,
            stream,
            buf: Vec::with_capacity(1 << 16),
        })
    }

    /// An anonymous GET: no cookie, no compression asked.
    pub async fn get(&mut self, path: &str) -> std::io::Result<Answer> {
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nUser-Agent: {AGENT}\r\nAccept: text/html\r\n\r\n",
            self.addr
        );
        self.stream.write_all(request.as_bytes()).await?;
        let head_end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i + 4;
            }
            self.read_more().await?;
        };
        let head = String::from_utf8_lossy(&self.buf[..head_end]).into_owned();
        self.buf.drain(..head_end);
        let status = head
            .get(9..12)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| invalid("no status line"))?;
        let body = match header(&head, "content-length") {
            Some(n) => self.take(n.parse().map_err(|_| invalid("length"))?).await?,
            None if header(&head, "transfer-encoding") == Some("chunked") => self.chunked().await?,
            None => return Err(invalid("a body without a length")),
        };
        if header(&head, "connection").is_some_and(|c| c.eq_ignore_ascii_case("close")) {
            *self = Client::connect(self.addr).await?;
        }
        Ok(Answer { status, body })
    }

    async fn read_more(&mut self) -> std::io::Result<()> {
        if self.stream.read_buf(&mut self.buf).await? == 0 {
            return Err(Error::new(ErrorKind::UnexpectedEof, "connection closed"));
        }
        Ok(())
    }

    async fn take(&mut self, n: usize) -> std::io::Result<Vec<u8>> {
        while self.buf.len() < n {
            self.read_more().await?;
        }
        Ok(self.buf.drain(..n).collect())
    }

    async fn line(&mut self) -> std::io::Result<String> {
        let end = loop {
            if let Some(i) = find(&self.buf, b"\r\n") {
                break i;
            }
            self.read_more().await?;
        };
        let line = String::from_utf8_lossy(&self.buf[..end]).into_owned();
        self.buf.drain(..end + 2);
        Ok(line)
    }

    async fn chunked(&mut self) -> std::io::Result<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let size = self.line().await?;
            let size = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| invalid("chunk size"))?;
            if size == 0 {
                self.line().await?;
                return Ok(body);
            }
            body.extend(self.take(size).await?);
            self.line().await?;
        }
    }
}

/// What one load measured.
pub struct Load {
    /// Every answered request's latency in microseconds, sorted.
    pub micros: Vec<u32>,
    pub errors: usize,
    pub elapsed: Duration,
}

impl Load {
    pub fn per_second(&self) -> f64 {
        self.micros.len() as f64 / self.elapsed.as_secs_f64()
    }

    /// The latency at `p` (0..=1) in milliseconds.
    pub fn ms(&self, p: f64) -> f64 {
        let Some(last) = self.micros.len().checked_sub(1) else {
            return 0.0;
        };
        let at = ((self.micros.len() as f64 * p).ceil() as usize).clamp(1, last + 1) - 1;
        f64::from(self.micros[at]) / 1000.0
    }
}

/// How a load runs: clients at once, for how long, and each client's pause between requests.
#[derive(Clone, Copy)]
pub struct Shape {
    pub clients: usize,
    pub duration: Duration,
    pub pause: Duration,
}

/// `shape.clients` keep-alive clients asking `addr` for `paths` (each picks at random) until
/// the time is up. The clients share one thread: the server keeps the other core.
pub fn drive(addr: SocketAddr, paths: &[String], shape: Shape) -> Load {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let paths = Arc::new(paths.to_vec());
    runtime.block_on(async {
        let started = Instant::now();
        let until = started + shape.duration;
        let tasks: Vec<_> = (0..shape.clients)
            .map(|k| tokio::spawn(client(addr, paths.clone(), k as u64, until, shape.pause)))
            .collect();
        let mut load = Load {
            micros: Vec::new(),
            errors: 0,
            elapsed: Duration::ZERO,
        };
        for task in tasks {
            let (micros, errors) = task.await.expect("a client");
            load.micros.extend(micros);
            load.errors += errors;
        }
        load.elapsed = started.elapsed();
        load.micros.sort_unstable();
        load
    })
}

/// One client's loop: (latencies in microseconds, errors). A refused or broken connection is
/// an error and the client connects again.
async fn client(
    addr: SocketAddr,
    paths: Arc<Vec<String>>,
    seed: u64,
    until: Instant,
    pause: Duration,
) -> (Vec<u32>, usize) {
    let mut random = super::super::portal::Rng(0x9E37_79B9_7F4A_7C15 ^ (seed + 1));
    let mut micros = Vec::new();
    let mut errors = 0;
    let mut connection = None;
    while Instant::now() < until {
        let client = match &mut connection {
            Some(c) => c,
            None => match Client::connect(addr).await {
                Ok(c) => connection.insert(c),
                Err(_) => {
                    errors += 1;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let path = &paths[(random.next() % paths.len() as u64) as usize];
        let started = Instant::now();
        match client.get(path).await {
            Ok(answer) if answer.status == 200 && !answer.body.is_empty() => {
                micros.push(started.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
            }
            Ok(_) => errors += 1,
            Err(_) => {
                errors += 1;
                connection = None;
            }
        }
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
    }
    (micros, errors)
}
