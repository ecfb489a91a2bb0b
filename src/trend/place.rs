//! Where an administration came from in its source beyond its line: a REDCap export's event,
//! repeating form and instance, which trend output carries so results can be matched to the
//! project's rows.
//!
//! An administration keeps a 4-byte [`Place`], an index into the run's [`Places`], rather than
//! the strings themselves: it fits in the padding of [`Administration`](super::Administration),
//! so a visits file (which has no places) holds its visits in no more memory than before, and
//! a REDCap export's few distinct places (events × instances) are stored once each.

use std::collections::HashMap;
use std::num::NonZeroU32;

/// An administration's place in its source: see [`Places::values`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Place(NonZeroU32);

/// The places of one run: the names of the carried columns, and each distinct set of their
/// values once.
#[derive(Debug, Clone, Default)]
pub struct Places {
    names: Vec<String>,
    values: Vec<Vec<String>>,
    index: HashMap<Vec<String>, Place>,
}

impl Places {
    /// Places for a source whose rows carry the columns `names` (none for a visits file).
    pub fn new(names: Vec<String>) -> Self {
        Places {
            names,
            ..Places::default()
        }
    }

    /// The carried columns, in output order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The values of the carried columns at `place`, in the order of [`names`](Self::names).
    pub fn values(&self, place: Place) -> &[String] {
        &self.values[place.0.get() as usize - 1]
    }

    /// The place of a row carrying `values`; `None` when the source carries no columns, or
    /// past `u32::MAX` distinct places (the output then leaves them blank rather than stop).
    pub(crate) fn place_of(&mut self, values: &[String]) -> Option<Place> {
        if self.names.is_empty() {
            return None;
        }
        if let Some(&place) = self.index.get(values) {
            return Some(place);
        }
        let number = u32::try_from(self.values.len() + 1).ok()?;
        let place = Place(NonZeroU32::new(number)?);
        self.values.push(values.to_vec());
        self.index.insert(values.to_vec(), place);
        Some(place)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|&v| v.to_owned()).collect()
    }

    #[test]
    fn each_distinct_place_is_stored_once_and_read_back() {
        let mut places = Places::new(strings(&["redcap_event_name", "redcap_repeat_instance"]));
        let week_1 = places.place_of(&strings(&["week_1_arm_1", ""])).unwrap();
        let second = places.place_of(&strings(&["week_1_arm_1", "2"])).unwrap();
        assert_ne!(week_1, second);
        assert_eq!(
            places.place_of(&strings(&["week_1_arm_1", ""])),
            Some(week_1)
        );
        assert_eq!(places.values(second), ["week_1_arm_1", "2"]);
        assert_eq!(places.values(week_1), ["week_1_arm_1", ""]);
    }

    /// The place fits in the padding of an administration (one patient with a million
    /// visits holds a million of them): 64 bytes on 64-bit targets, as without it.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_place_costs_an_administration_no_memory() {
        assert_eq!(std::mem::size_of::<Option<Place>>(), 4);
        assert_eq!(std::mem::size_of::<crate::trend::Administration<'_>>(), 64);
    }

    #[test]
    fn a_source_without_carried_columns_has_no_places() {
        let mut places = Places::new(Vec::new());
        assert_eq!(places.place_of(&[]), None);
    }
}
