//! Settings: flags and `DANGVU_*` variables (clap) override the TOML file, which overrides the
//! defaults.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

/// The TOML config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub database: Option<String>,
    pub listen: Option<SocketAddr>,
}

impl Config {
    /// Reads `path`, or `./dangvu.toml` when no path is given and that file exists.
    pub fn load(path: Option<&Path>) -> Result<Config> {
        let path = match path {
            Some(p) => p.to_path_buf(),
            None if Path::new("dangvu.toml").exists() => "dangvu.toml".into(),
            None => return Ok(Config::default()),
        };
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("invalid config file {}", path.display()))
    }
}

pub struct Settings {
    pub database: String,
    pub listen: SocketAddr,
}

pub const DEFAULT_DATABASE: &str = "data/dangvu.sqlite3";

impl Settings {
    pub fn resolve(database: Option<String>, listen: Option<SocketAddr>, file: &Config) -> Settings {
        Settings {
            database: database.or_else(|| file.database.clone()).unwrap_or_else(|| DEFAULT_DATABASE.into()),
            listen: listen.or(file.listen).unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_the_file_which_overrides_defaults() {
        let file: Config = toml::from_str("database = \"postgres://db/x\"\nlisten = \"0.0.0.0:9000\"").unwrap();
        let s = Settings::resolve(None, None, &file);
        assert_eq!((s.database.as_str(), s.listen.port()), ("postgres://db/x", 9000));
        let s = Settings::resolve(Some("a.sqlite3".into()), None, &file);
        assert_eq!(s.database, "a.sqlite3");
        let s = Settings::resolve(None, None, &Config::default());
        assert_eq!((s.database.as_str(), s.listen.port()), (DEFAULT_DATABASE, 8080));
        assert!(toml::from_str::<Config>("databse = \"x\"").is_err());
    }
}
