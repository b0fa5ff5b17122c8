//! SHA-256 over bytes fed in pieces, as lower-case hex: the checksums that let a backup prove it
//! reads back as it was written.

use sha2::{Digest as _, Sha256};

use crate::encoding::hex_lower;

/// A running SHA-256.
#[derive(Clone, Default)]
pub struct Checksum(Sha256);

impl Checksum {
    pub fn new() -> Self {
        Checksum(Sha256::new())
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The digest of everything fed so far, as 64 lower-case hex digits.
    pub fn hex(self) -> String {
        hex_lower(&self.0.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_hash_as_the_whole() {
        let mut c = Checksum::new();
        c.update(b"ab");
        c.update(b"c");
        // FIPS 180-2, appendix B.1.
        assert_eq!(c.hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(Checksum::new().hex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
