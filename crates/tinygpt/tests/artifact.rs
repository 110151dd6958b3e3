//! The committed artifacts load, and a tampered or mismatched copy is refused.
use std::path::{Path, PathBuf};

use tinygpt::artifact::{self, ArtifactError, CONFIG, HASH, TOKENIZER, WEIGHTS};
use tinygpt::io::IoError;
use tinygpt::model::ModelError;

/// The committed directory, seen from this crate's tests (cwd = crates/tinygpt).
fn committed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(artifact::DIR)
}

/// A copy of the committed artifacts that `edit` may change.
fn copy(edit: impl FnOnce(&Path)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in [TOKENIZER, WEIGHTS, CONFIG, HASH] {
        std::fs::copy(committed().join(f), dir.path().join(f)).unwrap();
    }
    edit(dir.path());
    dir
}

#[test]
fn committed_artifacts_load_and_match_their_hash() {
    let a = artifact::load_from(&committed()).unwrap();
    let recorded = std::fs::read_to_string(committed().join(HASH)).unwrap();
    assert_eq!(a.hash, recorded.trim());
    assert_eq!(a.model.config.vocab_size, a.tokenizer.vocab_size());
    // the file is what io writes for this model, byte for byte
    let bytes = std::fs::read(committed().join(WEIGHTS)).unwrap();
    assert_eq!(tinygpt::io::to_safetensors(&a.model).unwrap(), bytes);
}

#[test]
fn a_changed_weight_fails_the_hash_check() {
    let dir = copy(|d| {
        let p = d.join(WEIGHTS);
        let mut b = std::fs::read(&p).unwrap();
        let n = b.len();
        b[n - 1] ^= 1;
        std::fs::write(p, b).unwrap();
    });
    assert!(matches!(
        artifact::load_from(dir.path()),
        Err(ArtifactError::HashMismatch { .. })
    ));
}

#[test]
fn a_missing_file_names_its_path() {
    let dir = copy(|d| std::fs::remove_file(d.join(CONFIG)).unwrap());
    match artifact::load_from(dir.path()) {
        Err(ArtifactError::Read { path, .. }) => assert!(path.ends_with(CONFIG)),
        other => panic!("{:?}", other.map(|a| a.hash)),
    }
}

#[test]
fn a_config_that_does_not_fit_the_weights_is_refused() {
    let dir = copy(|d| {
        let p = d.join(CONFIG);
        let s = std::fs::read_to_string(&p)
            .unwrap()
            .replace("\"n_inner\": 256", "\"n_inner\": 128");
        std::fs::write(p, s).unwrap();
    });
    match artifact::load_from(dir.path()) {
        Err(ArtifactError::Weights(IoError::Model(ModelError::Shape { name, .. }))) => {
            assert_eq!(name, "h.0.mlp.c_fc.weight")
        }
        other => panic!("{:?}", other.map(|a| a.hash)),
    }
    let dir = copy(|d| {
        let p = d.join(CONFIG);
        let s = std::fs::read_to_string(&p)
            .unwrap()
            .replace("\"vocab_size\": 1024", "\"vocab_size\": 1000");
        std::fs::write(p, s).unwrap();
    });
    assert!(matches!(
        artifact::load_from(dir.path()),
        Err(ArtifactError::VocabMismatch {
            model: 1000,
            tokenizer: 1024
        })
    ));
}
