//! The instruments compiled into the binary, so it scores from any directory.

/// `(file name, definition text)` of every built-in instrument, in display order.
///
/// The files live in the package's `instruments/` folder, where clinicians can read them;
/// `include_str!` embeds them at build time.
pub(crate) fn builtin_definitions() -> [(&'static str, &'static str); 3] {
    [
        (
            "instruments/phq9.json",
            include_str!("../../instruments/phq9.json"),
        ),
        (
            "instruments/gad7.json",
            include_str!("../../instruments/gad7.json"),
        ),
        (
            "instruments/pcl5.json",
            include_str!("../../instruments/pcl5.json"),
        ),
    ]
}
