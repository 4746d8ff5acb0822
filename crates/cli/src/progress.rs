//! Progress on work long enough to wait for: a spinner while files are read and checked, a bar
//! while values are written. Drawn on standard error, and only on a terminal.

use indicatif::{ProgressBar, ProgressStyle};
use std::time::Duration;

/// Inputs smaller than this finish before a bar would be worth drawing.
const WORTH_SHOWING_BYTES: u64 = 1 << 20;

pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A progress display for work on `bytes` of input; nothing for small inputs.
    pub fn for_input(bytes: u64) -> Progress {
        let bar = (bytes >= WORTH_SHOWING_BYTES).then(|| {
            let bar = ProgressBar::new_spinner();
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress { bar }
    }

    /// A step whose length is not known: "Đang đọc values.csv…".
    pub fn step(&self, message: String) {
        if let Some(bar) = &self.bar {
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                    .expect("a valid template"),
            );
            bar.set_message(message);
        }
    }

    /// A step of `total` items, advanced with [`Progress::at`].
    pub fn counted(&self, message: String, total: u64) {
        if let Some(bar) = &self.bar {
            bar.set_style(
                ProgressStyle::with_template("{msg} [{bar:30}] {human_pos}/{human_len} ({eta})")
                    .expect("a valid template")
                    .progress_chars("=> "),
            );
            bar.set_length(total);
            bar.set_position(0);
            bar.set_message(message);
        }
    }

    pub fn at(&self, done: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(done);
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
