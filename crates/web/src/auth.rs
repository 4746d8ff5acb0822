//! Passwords (Argon2id), sessions, bearer tokens, CSRF and login throttling, and the
//! extractors that turn a request into a [`Principal`] or refuse it.

use crate::policy::{Principal, Role};
use crate::{App, WebError};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use solieu_core::problem::Lang;
use solieu_store::User;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const SESSION_COOKIE: &str = "solieu_session";
pub const LOGIN_CSRF_COOKIE: &str = "solieu_login";
pub const LANG_COOKIE: &str = "solieu_lang";
pub const SESSION_HOURS: i64 = 12;

/// An Argon2id hash in PHC form.
pub fn hash_password(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

type Check = (String, Option<String>, tokio::sync::oneshot::Sender<bool>);

/// One thread checks every password. Argon2 takes tens of milliseconds of CPU and 19 MiB per
/// check; on the blocking pool each thread's allocator kept its own 19 MiB, and a hundred
/// people signing in at nine o'clock left the server at 270 MB. One thread keeps it at one
/// block, and checks stay off the async threads.
static CHECKER: std::sync::LazyLock<Mutex<std::sync::mpsc::Sender<Check>>> =
    std::sync::LazyLock::new(|| {
        let (tx, rx) = std::sync::mpsc::channel::<Check>();
        std::thread::Builder::new()
            .name("password-checks".into())
            .spawn(move || {
                // An unknown name is checked against this, so it takes as long as a known one.
                let dummy = hash_password(&random_token()).unwrap_or_default();
                for (password, hash, reply) in rx {
                    let ok = match &hash {
                        Some(h) => verify_password(&password, h),
                        None => {
                            verify_password(&password, &dummy);
                            false
                        }
                    };
                    let _ = reply.send(ok);
                }
            })
            .expect("a thread for password checks");
        Mutex::new(tx)
    });

/// Whether `password` matches `hash` (false without a hash, after the same work).
pub async fn check_password(password: String, hash: Option<String>) -> bool {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let sent = CHECKER
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .send((password, hash, tx));
    sent.is_ok() && rx.await.unwrap_or(false)
}

/// 32 random bytes, URL-safe base64.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system gives random bytes");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored for a session id or token: its SHA-256, so the database alone opens nothing.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The value of the cookie `name` a request carries.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax (Strict would drop the session on the first
/// click from an e-mailed link), Secure unless the server runs on plain HTTP on loopback.
pub fn set_cookie(app: &App, name: &str, value: &str, max_age: Option<i64>) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if app.secure_cookies {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    c
}

pub fn principal(user: User, csrf: Option<String>, token: Option<String>) -> Option<Principal> {
    Some(Principal {
        user_id: user.id,
        role: Role::parse(&user.role)?,
        username: user.username,
        display_name: user.display_name,
        unit: user.unit_code,
        groups: user.groups,
        csrf,
        token,
    })
}

/// Failed sign-ins, counted three ways so that no one can lock others out: per account from
/// one address (five within fifteen minutes block that address for that account), per
/// address (fifty block the address: an office behind one address shares it) and per account
/// from every address (fifty: slow guessing spread over many addresses). A spray of random
/// names from one address blocks only that address. Kept in memory: a restart forgives,
/// which is acceptable for a single server and keeps a flood of guesses off the database.
pub struct Throttle {
    failures: Mutex<HashMap<String, Count>>,
    /// How many keys are kept at most; beyond it the stalest go first.
    capacity: usize,
}

/// Failures in a window that opens at the first one: a fixed size per key, where a list of
/// instants would grow with the limit.
#[derive(Clone, Copy)]
struct Count {
    since: Instant,
    last: Instant,
    failures: usize,
}

impl Count {
    fn current(&self, now: Instant) -> usize {
        if now.duration_since(self.since) < THROTTLE_WINDOW {
            self.failures
        } else {
            0
        }
    }
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle::with_capacity(THROTTLE_KEYS)
    }
}

pub const THROTTLE_LIMIT: usize = 5;
/// Failures per address, and per account over all addresses.
pub const THROTTLE_WIDE_LIMIT: usize = THROTTLE_LIMIT * 10;
const THROTTLE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Keys are at most ~150 bytes with the map's own (names are cut at [`NAME_BYTES`]): 100,000
/// keys stay near 15 MB.
const THROTTLE_KEYS: usize = 100_000;
/// A name longer than any account's is counted by its first bytes: a 60 KB "name" must not
/// make a 60 KB key.
const NAME_BYTES: usize = 64;

/// The counters one sign-in attempt touches.
pub struct Attempt {
    pair: String,
    account: String,
    address: String,
}

impl Attempt {
    pub fn new(username: &str, address: &str) -> Attempt {
        let mut cut = username.len().min(NAME_BYTES);
        while !username.is_char_boundary(cut) {
            cut -= 1;
        }
        let username = &username[..cut];
        // The address has no space, so the pair key cannot be forged by a name.
        Attempt {
            pair: format!("pair:{address} {username}"),
            account: format!("user:{username}"),
            address: format!("addr:{address}"),
        }
    }

    fn keys(&self) -> [(&str, usize); 3] {
        [
            (&self.pair, THROTTLE_LIMIT),
            (&self.address, THROTTLE_WIDE_LIMIT),
            (&self.account, THROTTLE_WIDE_LIMIT),
        ]
    }
}

impl Throttle {
    pub fn with_capacity(capacity: usize) -> Throttle {
        Throttle {
            failures: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    pub fn blocked(&self, attempt: &Attempt) -> bool {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        attempt
            .keys()
            .iter()
            .any(|(key, limit)| map.get(*key).is_some_and(|c| c.current(now) >= *limit))
    }

    pub fn fail(&self, attempt: &Attempt) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        for (key, _) in attempt.keys() {
            let fresh = Count {
                since: now,
                last: now,
                failures: 0,
            };
            let count = map.entry(key.to_string()).or_insert(fresh);
            if count.current(now) == 0 {
                *count = fresh;
            }
            count.failures += 1;
            count.last = now;
        }
        if map.len() > self.capacity {
            evict(&mut map, self.capacity, now);
        }
    }

    /// A right password forgives that account's failures, not the address's.
    pub fn succeed(&self, attempt: &Attempt) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&attempt.pair);
        map.remove(&attempt.account);
    }

    /// How many keys are held (for the memory bound's test).
    pub fn len(&self) -> usize {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Drops expired keys, then the stalest until a tenth of the room is free again, so that a
/// full map is not sorted on every failure. Clearing everything instead would let a flood
/// of names wipe the counters of the address that sent it.
fn evict(map: &mut HashMap<String, Count>, capacity: usize, now: Instant) {
    map.retain(|_, c| c.current(now) > 0);
    let keep = capacity - capacity / 10;
    if map.len() <= keep {
        return;
    }
    let mut last: Vec<(Instant, String)> = map.iter().map(|(k, c)| (c.last, k.clone())).collect();
    last.sort_unstable();
    for (_, key) in last.iter().take(map.len() - keep) {
        map.remove(key);
    }
}

/// The proxies whose `X-Forwarded-For` is believed (`--trusted-proxy`).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<ipnet::IpNet>);

impl TrustedProxies {
    /// Reads "127.0.0.1, 10.0.0.0/8": addresses or networks, separated by commas or spaces.
    pub fn parse(text: &str) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        for item in text
            .split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let net = match item.parse::<ipnet::IpNet>() {
                Ok(net) => net,
                Err(_) => item
                    .parse::<IpAddr>()
                    .map(ipnet::IpNet::from)
                    .map_err(|_| item.to_string())?,
            };
            nets.push(net);
        }
        Ok(TrustedProxies(nets))
    }

    pub fn contains(&self, ip: &IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address: the peer, or when the peer is a trusted proxy, the right-most
    /// `X-Forwarded-For` entry that is not itself one (each proxy appends who it heard
    /// from, so entries further left were written by the client and prove nothing).
    pub fn client(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let mut hop = peer?.to_canonical();
        if !self.contains(&hop) {
            return Some(hop);
        }
        let forwarded: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect();
        for entry in forwarded.iter().rev() {
            // A hop we cannot read: the last proxy we trust is the best we know.
            let Ok(ip) = entry.trim().parse::<IpAddr>() else {
                break;
            };
            hop = ip.to_canonical();
            if !self.contains(&hop) {
                break;
            }
        }
        Some(hop)
    }
}

/// The address a request's failures are counted under (see [`TrustedProxies::client`]);
/// "local" for a request without a socket (in-process tests).
pub struct ClientAddr(pub String);

impl FromRequestParts<Arc<App>> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &Arc<App>,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientAddr(
            app.trusted_proxies
                .client(peer, &parts.headers)
                .map_or_else(|| "local".to_string(), |ip| ip.to_string()),
        ))
    }
}

/// The language of the request: the cookie, else Vietnamese.
pub fn lang_of(parts: &Parts) -> Lang {
    match cookie(&parts.headers, LANG_COOKIE) {
        Some("en") => Lang::En,
        _ => Lang::Vi,
    }
}

/// A signed-in person or client, or the request is refused (pages redirect to sign-in, the
/// API answers 401).
pub struct Viewer(pub Principal);

/// The signed-in person, if any (public pages, the sign-in page).
pub struct MaybeViewer(pub Option<Principal>);

async fn resolve(parts: &Parts, app: &App) -> Result<Option<Principal>, WebError> {
    if let Some(value) = parts.headers.get(AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(WebError::Unauthenticated)?;
        let found = app.store.token_user(&token_hash(token.trim())).await?;
        return match found {
            Some((user, name)) => Ok(principal(user, None, Some(name))),
            None => Err(WebError::Unauthenticated),
        };
    }
    let Some(session) = cookie(&parts.headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    Ok(app
        .store
        .session(&token_hash(session))
        .await?
        .and_then(|(user, csrf)| principal(user, Some(csrf), None)))
}

impl FromRequestParts<Arc<App>> for Viewer {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, WebError> {
        match resolve(parts, app).await? {
            Some(p) => Ok(Viewer(p)),
            None => Err(WebError::Unauthenticated),
        }
    }
}

impl FromRequestParts<Arc<App>> for MaybeViewer {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, WebError> {
        Ok(MaybeViewer(resolve(parts, app).await.unwrap_or(None)))
    }
}

/// Refuses a state-changing request from a session without the session's CSRF token (in the
/// form's `csrf` field or the `X-CSRF-Token` header). Bearer-token requests need none: a
/// browser never attaches a token on its own.
pub fn check_csrf(who: &Principal, given: Option<&str>) -> Result<(), WebError> {
    if who.token.is_some() {
        return Ok(());
    }
    match (&who.csrf, given) {
        (Some(expected), Some(given)) if same_secret(expected, given) => Ok(()),
        _ => Err(WebError::Csrf),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_throttle_keeps_a_bounded_number_of_keys() {
        let throttle = Throttle::with_capacity(1_000);
        for k in 0..20_000 {
            throttle.fail(&Attempt::new(
                &format!("n{k}"),
                &format!("10.0.{}.{}", k / 250, k % 250),
            ));
            assert!(throttle.len() <= 1_000 + 3, "{} keys", throttle.len());
        }
        assert!(throttle.len() >= 900);
    }

    #[test]
    fn a_long_name_makes_a_short_key() {
        let throttle = Throttle::with_capacity(10);
        let name = "ạ".repeat(30_000);
        let attempt = Attempt::new(&name, "198.51.100.5");
        assert!(attempt.pair.len() < 100 && attempt.account.len() < 80);
        for _ in 0..THROTTLE_LIMIT {
            throttle.fail(&attempt);
        }
        assert!(throttle.blocked(&Attempt::new(&name, "198.51.100.5")));
    }

    #[test]
    fn a_flood_does_not_wipe_the_counters_of_the_flooding_address() {
        let throttle = Throttle::with_capacity(100);
        let flood = |k: usize| Attempt::new(&format!("n{k}"), "198.51.100.2");
        for k in 0..THROTTLE_WIDE_LIMIT {
            throttle.fail(&flood(k));
        }
        assert!(throttle.blocked(&flood(999)));
        assert!(!throttle.blocked(&Attempt::new("n1", "198.51.100.3")));
    }

    fn forwarded(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", value.parse().unwrap());
        h
    }

    #[test]
    fn the_client_is_the_last_hop_no_trusted_proxy_wrote() {
        let proxies = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8 ::1").unwrap();
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        let h = forwarded("6.6.6.6, 203.0.113.5, 10.2.3.4");
        assert_eq!(proxies.client(ip("127.0.0.1"), &h), ip("203.0.113.5"));
        assert_eq!(
            proxies.client(ip("::ffff:127.0.0.1"), &h),
            ip("203.0.113.5")
        );
        // An untrusted peer's header is ignored.
        assert_eq!(proxies.client(ip("198.51.100.4"), &h), ip("198.51.100.4"));
        // Nothing readable after the proxies: the last trusted hop.
        let h = forwarded("203.0.113.5, junk");
        assert_eq!(proxies.client(ip("10.0.0.1"), &h), ip("10.0.0.1"));
        assert_eq!(
            proxies.client(ip("10.0.0.1"), &HeaderMap::new()),
            ip("10.0.0.1")
        );
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.local").is_err());
    }
}
