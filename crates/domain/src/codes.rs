//! Closed lists ("danh mục") with a stable code for storage and the API and a Vietnamese label for
//! people. [`code_list!`] declares one: the enum, its codes, labels, parsing and serde.

/// Declares a closed list: `code_list!(Name, "what it is in Vietnamese", { Variant = ("code", "Nhãn"), … })`.
#[macro_export]
macro_rules! code_list {
    ($(#[$doc:meta])* $name:ident, $what:expr, { $($(#[$vdoc:meta])* $variant:ident = ($code:expr, $label:expr)),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every value, in the order the official forms list them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Stable code used in the database and the API.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// What people read.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Parses a code (as stored or sent by the API).
            pub fn parse(code: &str) -> Result<Self, $crate::error::FieldError> {
                let code = code.trim();
                match code {
                    $($code => Ok($name::$variant),)+
                    _ => Err($crate::error::FieldError::new(
                        "",
                        "unknown_value",
                        format!("{} “{}” không có trong danh mục.", $what, code),
                    )),
                }
            }
        }

        impl From<$name> for usize {
            /// The value's position in [`ALL`](Self::ALL) (variants are declared in that order).
            fn from(v: $name) -> usize {
                v as usize
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        /// The JSON schema of the list: a string, one of the codes (generated from the same
        /// list, so a new value reaches the API document by itself).
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some($what))
                    .enum_values(Some([$($code),+]))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::parse(&s).map_err(|e| serde::de::Error::custom(e.message))
            }
        }
    };
}
