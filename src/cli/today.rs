//! "Today", read once per run in the clinic's time zone (STYLE §6).

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

use super::report::message;

/// Today's date in the system time zone. A `TZ` that names no usable time zone (a typo such
/// as `Europe/Londn`) is not silently read as UTC, which gives the wrong date for part of
/// every day: the run says so once on stderr and then uses UTC. An unset or empty `TZ`
/// means the system's own zone, and UTC where none is configured, as usual.
pub(crate) fn today() -> Date {
    let tz_set = std::env::var_os("TZ").is_some_and(|tz| !tz.is_empty());
    match TimeZone::try_system() {
        Ok(zone) => Timestamp::now().to_zoned(zone).date(),
        Err(_) if tz_set => {
            message(&format!(
                "symscore: warning: TZ=`{}` names no time zone known to this system; today's date is taken in UTC",
                std::env::var_os("TZ").unwrap_or_default().to_string_lossy()
            ));
            Timestamp::now().to_zoned(TimeZone::UTC).date()
        }
        Err(_) => Zoned::now().date(),
    }
}
