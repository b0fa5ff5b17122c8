//! The Debian package, built from the debug binary (`scripts/package --binary … --fast`, so CI
//! pays for no release build): its files, control data, conffiles, maintainer scripts, the
//! hardened systemd unit, and the configuration file it installs read by the binary itself.

use std::process::Command;

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run");
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_package_holds_the_service_and_its_settings() {
    if Command::new("dpkg-deb").arg("--version").output().is_err() {
        eprintln!("dpkg-deb is not installed: the package test is skipped (Debian machines have it)");
        return;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let tmp = tempfile::tempdir().unwrap();
    let deb = run(Command::new(root.join("scripts/package")).args([
        "--binary",
        env!("CARGO_BIN_EXE_dangvu"),
        "--output",
        &tmp.path().to_string_lossy(),
        "--fast",
    ]));
    let deb = deb.trim();
    assert!(deb.ends_with(".deb"), "{deb}");

    let contents = run(Command::new("dpkg-deb").args(["--contents", deb]));
    for path in ["./usr/bin/dangvu", "./lib/systemd/system/dangvu.service", "./etc/dangvu/dangvu.toml", "./usr/share/doc/dangvu/README.md"]
    {
        assert!(contents.lines().any(|l| l.ends_with(path)), "{path} in\n{contents}");
    }
    assert!(contents.lines().any(|l| l.starts_with("-rwxr-xr-x root/root") && l.ends_with("./usr/bin/dangvu")));
    let control = run(Command::new("dpkg-deb").args(["--field", deb, "Package", "Version", "Depends"]));
    assert!(control.contains("Package: dangvu") && control.contains("Depends: libc6, adduser"), "{control}");

    let unpacked = tmp.path().join("unpacked");
    run(Command::new("dpkg-deb").args(["--raw-extract", deb, &unpacked.to_string_lossy()]));
    let read = |p: &str| std::fs::read_to_string(unpacked.join(p)).unwrap();
    assert_eq!(read("DEBIAN/conffiles").trim(), "/etc/dangvu/dangvu.toml", "the settings survive an upgrade");
    let unit = read("lib/systemd/system/dangvu.service");
    for line in [
        "User=dangvu",
        "ExecStart=/usr/bin/dangvu --config /etc/dangvu/dangvu.toml serve",
        "StateDirectory=dangvu",
        "Restart=on-failure",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "CapabilityBoundingSet=",
        "KillSignal=SIGTERM",
    ] {
        assert!(unit.lines().any(|l| l == line), "{line} in the unit");
    }
    let postinst = read("DEBIAN/postinst");
    assert!(
        postinst.contains("adduser --system --group --home /var/lib/dangvu")
            && postinst.contains("install -d -o dangvu -g dangvu -m 0750 /var/lib/dangvu")
    );
    assert!(!postinst.contains("user add"), "the first administrator is the operator's");
    // The settings file is one the binary accepts (every key known, every value possible).
    let db = tmp.path().join("check.sqlite3");
    let out = run(Command::new(env!("CARGO_BIN_EXE_dangvu"))
        .args(["--config", &unpacked.join("etc/dangvu/dangvu.toml").to_string_lossy(), "migrate", "--database", &db.to_string_lossy()])
        .env("RUST_LOG", "warn"));
    assert!(out.contains("lược đồ"), "{out}");
    if Command::new("systemd-analyze").arg("--version").output().is_ok() {
        // `verify` wants the binary at its path: check the unit's syntax with the unpacked one.
        let unit_copy = tmp.path().join("dangvu.service");
        std::fs::write(&unit_copy, unit.replace("/usr/bin/dangvu", &unpacked.join("usr/bin/dangvu").to_string_lossy())).unwrap();
        let verify = Command::new("systemd-analyze").args(["verify", &unit_copy.to_string_lossy()]).output().unwrap();
        let said = String::from_utf8_lossy(&verify.stderr);
        assert!(!said.contains("Unknown key") && !said.contains("Failed to parse"), "{said}");
    }
}
