//! Progress on long work (imports, `check`, `backup`): an indicatif bar
//! or spinner on stderr when stderr is a terminal, nothing otherwise, so
//! a scheduled job's log and a pipe stay clean. stdout is never touched.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Whether progress may be drawn: stderr is a terminal.
fn wanted() -> bool {
    std::io::stderr().is_terminal()
}

/// A bar over the bytes of an input of `len` bytes (a spinner counting
/// bytes when the length is unknown, as for standard input); `None`
/// when stderr is not a terminal.
pub(crate) fn bytes(len: Option<u64>, message: String) -> Option<ProgressBar> {
    if !wanted() {
        return None;
    }
    let bar = match len {
        Some(len) => ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr())
            .with_style(
                ProgressStyle::with_template(
                    "{msg} [{bar:30}] {bytes}/{total_bytes} ({percent}%, {eta} left)",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            ),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template("{spinner} {msg} {bytes} read ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    };
    bar.set_message(message);
    bar.enable_steady_tick(Duration::from_millis(200));
    Some(bar)
}

/// A spinner with the elapsed time for work whose size is not known in
/// advance (`check`, `backup`); `None` when stderr is not a terminal.
pub(crate) fn spinner(message: String) -> Option<ProgressBar> {
    if !wanted() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(message);
    bar.enable_steady_tick(Duration::from_millis(120));
    Some(bar)
}

/// Take the bar off the screen before the command's own lines.
pub(crate) fn clear(bar: Option<&ProgressBar>) {
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
}
