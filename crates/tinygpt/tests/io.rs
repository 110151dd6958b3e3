//! Weights files: a round trip is exact and deterministic; every kind of bad
//! file gives its own error, never a panic.
use std::collections::HashMap;

use safetensors::{Dtype, tensor::TensorView};
use tinygpt::io::{IoError, config_json, from_safetensors, parse_config_json, to_safetensors};
use tinygpt::model::{Config, ConfigError, Model, ModelError};

fn tiny() -> Config {
    Config {
        vocab_size: 13,
        n_ctx: 5,
        d_model: 8,
        n_head: 2,
        n_layer: 2,
        d_ff: 16,
        norm_eps: 1e-5,
        init_std: 0.02,
    }
}

/// A safetensors file with the tiny model's tensors after `edit` (which may
/// rename, drop, reshape or add entries).
fn file_with(edit: impl FnOnce(&mut Vec<(String, Vec<usize>, Vec<u8>)>), dtype: Dtype) -> Vec<u8> {
    let model = Model::new(tiny(), 1);
    let mut raw: Vec<(String, Vec<usize>, Vec<u8>)> = model
        .tensors()
        .into_iter()
        .map(|(n, s, d)| (n, s, d.iter().flat_map(|x| x.to_le_bytes()).collect()))
        .collect();
    edit(&mut raw);
    let views: Vec<(String, TensorView<'_>)> = raw
        .iter()
        .map(|(n, s, d)| {
            let dt = if n == "wpe.weight" { dtype } else { Dtype::F32 };
            let shape = if dt == Dtype::F32 {
                s.clone()
            } else {
                vec![s.iter().product::<usize>() * 2]
            };
            (n.clone(), TensorView::new(dt, shape, d).unwrap())
        })
        .collect();
    safetensors::serialize(views, None::<HashMap<String, String>>).unwrap()
}

#[test]
fn round_trip_is_exact_and_bytes_are_deterministic() {
    let model = Model::new(tiny(), 3);
    let a = to_safetensors(&model).unwrap();
    let b = to_safetensors(&Model::new(tiny(), 3)).unwrap();
    assert_eq!(a, b);
    let back = from_safetensors(tiny(), &a).unwrap();
    assert_eq!(back, model);
    let json = config_json(&tiny()).unwrap();
    assert_eq!(parse_config_json(&json).unwrap(), tiny());
}

#[test]
fn corrupt_files_are_errors() {
    let good = to_safetensors(&Model::new(tiny(), 3)).unwrap();
    // empty, truncated inside the length prefix, inside the header, inside the data
    for cut in [0, 4, 20, good.len() - 3] {
        let err = from_safetensors(tiny(), &good[..cut]).unwrap_err();
        assert!(matches!(err, IoError::Corrupt(_)), "cut {cut}: {err}");
    }
    // a header that is not JSON
    let mut bad = good.clone();
    bad[8] = b'x';
    assert!(matches!(
        from_safetensors(tiny(), &bad),
        Err(IoError::Corrupt(_))
    ));
    // a header length far beyond the file
    let mut bad = good.clone();
    bad[..8].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(matches!(
        from_safetensors(tiny(), &bad),
        Err(IoError::Corrupt(_))
    ));
}

#[test]
fn missing_tensor_is_named() {
    let file = file_with(
        |t| t.retain(|(n, _, _)| n != "h.1.mlp.c_fc.bias"),
        Dtype::F32,
    );
    match from_safetensors(tiny(), &file) {
        Err(IoError::Model(ModelError::MissingTensor(name))) => {
            assert_eq!(name, "h.1.mlp.c_fc.bias")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn renamed_tensor_is_unexpected() {
    let file = file_with(|t| t[3].0 = "h.0.ln_1.beta".to_string(), Dtype::F32);
    match from_safetensors(tiny(), &file) {
        Err(IoError::Model(ModelError::UnexpectedTensor(name))) => {
            assert_eq!(name, "h.0.ln_1.beta")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn config_mismatch_is_a_shape_error() {
    let file = to_safetensors(&Model::new(tiny(), 3)).unwrap();
    let wider = Config { d_ff: 32, ..tiny() };
    match from_safetensors(wider, &file) {
        Err(IoError::Model(ModelError::Shape {
            name,
            expected,
            found,
        })) => {
            assert_eq!(name, "h.0.mlp.c_fc.weight");
            assert_eq!((expected, found), (vec![8, 32], vec![8, 16]));
        }
        other => panic!("{other:?}"),
    }
    let more_layers = Config {
        n_layer: 3,
        ..tiny()
    };
    assert!(matches!(
        from_safetensors(more_layers, &file),
        Err(IoError::Model(ModelError::MissingTensor(_)))
    ));
}

#[test]
fn other_dtypes_are_refused() {
    let file = file_with(|_| {}, Dtype::F16);
    match from_safetensors(tiny(), &file) {
        Err(IoError::Dtype { name, dtype }) => {
            assert_eq!((name.as_str(), dtype.as_str()), ("wpe.weight", "F16"))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_config_json_is_explained() {
    let good = config_json(&tiny()).unwrap();
    assert!(matches!(parse_config_json("{"), Err(IoError::Json(_))));
    assert!(matches!(
        parse_config_json(&good.replace("\"n_head\"", "\"heads\"")),
        Err(IoError::Json(_))
    ));
    match parse_config_json(&good.replace("gelu_new", "relu")) {
        Err(IoError::Unsupported { field, value, .. }) => {
            assert_eq!((field, value.as_str()), ("activation_function", "relu"))
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        parse_config_json(&good.replace(
            "\"tie_word_embeddings\": true",
            "\"tie_word_embeddings\": false"
        )),
        Err(IoError::Unsupported {
            field: "tie_word_embeddings",
            ..
        })
    ));
    assert!(matches!(
        parse_config_json(&good.replace("\"n_head\": 2", "\"n_head\": 3")),
        Err(IoError::Config(ConfigError::HeadsDoNotDivide {
            d_model: 8,
            n_head: 3
        }))
    ));
}

#[test]
fn bad_tokens_are_errors_not_panics() {
    let model = Model::new(tiny(), 3);
    assert!(matches!(
        model.check_tokens(&[]),
        Err(ModelError::Length { len: 0, n_ctx: 5 })
    ));
    assert!(matches!(
        model.check_tokens(&[0; 6]),
        Err(ModelError::Length { len: 6, .. })
    ));
    assert!(matches!(
        model.check_tokens(&[1, 13]),
        Err(ModelError::Token {
            id: 13,
            vocab_size: 13
        })
    ));
    assert!(matches!(
        model.try_loss_and_grads(&[1, 2], &[3]),
        Err(ModelError::TargetLength {
            tokens: 2,
            targets: 1
        })
    ));
    assert!(matches!(
        Model::try_new(
            Config {
                d_model: 0,
                ..tiny()
            },
            1
        ),
        Err(ModelError::Config(ConfigError::Zero("d_model")))
    ));
}
