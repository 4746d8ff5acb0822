//! Passwords (Argon2id), sessions, bearer tokens, CSRF and login throttling, and the
//! extractors that turn a request into a [`Principal`] or refuse it.

use crate::policy::{Principal, Role};
use crate::{App, WebError};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use solieu_core::problem::Lang;
use solieu_store::User;
use std::collections::HashMap;
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

pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
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

/// Failed sign-ins per account name and per address: five within fifteen minutes lock both
/// for fifteen minutes. Kept in memory: a restart forgives, which is acceptable for a single
/// server and keeps a flood of guesses off the database.
#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

pub const THROTTLE_LIMIT: usize = 5;
const THROTTLE_WINDOW: Duration = Duration::from_secs(15 * 60);

impl Throttle {
    pub fn blocked(&self, keys: &[String]) -> bool {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        keys.iter().any(|k| {
            let list = map.entry(k.clone()).or_default();
            list.retain(|t| now.duration_since(*t) < THROTTLE_WINDOW);
            // An office shares one address: the address allows ten times an account's count.
            let limit = if k.starts_with("addr:") {
                THROTTLE_LIMIT * 10
            } else {
                THROTTLE_LIMIT
            };
            list.len() >= limit
        })
    }

    pub fn fail(&self, keys: &[String]) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for k in keys {
            map.entry(k.clone()).or_default().push(Instant::now());
        }
        // Bounded memory under a spray of names.
        if map.len() > 100_000 {
            map.clear();
        }
    }

    pub fn succeed(&self, username_key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(username_key);
    }
}

/// The language of the request: the cookie, else Vietnamese.
pub fn lang_of(parts: &Parts) -> Lang {
    match cookie(parts, LANG_COOKIE) {
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
    let Some(session) = cookie(parts, SESSION_COOKIE) else {
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
