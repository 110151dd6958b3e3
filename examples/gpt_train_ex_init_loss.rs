//! 练习：训练开始前的损失为什么约等于 ln V？用几种初始化标准差的未训练模型在验证集上验证，看标准差太大时损失如何偏离。
use guide_support::{Table, fixed, value};
use tinygpt::bpe::Tokenizer;
use tinygpt::model::Model;
use tinygpt::train::{book_model_config, evaluate, token_stream};
use tinygpt::{artifact, corpus};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let corpus = corpus::load_default()?;
    let tokenizer =
        Tokenizer::from_json(&std::fs::read_to_string(artifact::path("tokenizer.json"))?)?;
    let valid = token_stream(&tokenizer, &corpus.valid)?;
    let ln_v = libm::log(tokenizer.vocab_size() as f64);
    println!("ln V = ln {} = {}", tokenizer.vocab_size(), fixed(ln_v, 3));
    let mut t = Table::numeric(["init_std", "验证损失", "比 ln V 多"]);
    for std in [0.02f32, 0.1, 0.5, 1.0] {
        let config = tinygpt::model::Config {
            init_std: std,
            ..book_model_config(tokenizer.vocab_size())
        };
        let loss = evaluate(&Model::try_new(config, 42)?, &valid, 64)?;
        t.row([
            fixed(f64::from(std), 2),
            fixed(loss, 3),
            fixed(loss - ln_v, 3),
        ]);
        if std == 0.02 {
            value("loss_002", fixed(loss, 3));
        }
    }
    print!("{}", t.text());
    Ok(())
}
