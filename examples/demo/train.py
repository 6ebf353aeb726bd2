"""Fine-tune a small causal LM on an instruction dataset."""

import argparse

from datasets import load_dataset
from transformers import AutoModelForCausalLM, AutoTokenizer, Trainer, TrainingArguments

BASE_MODEL = "Qwen/Qwen2.5-0.5B"
BASE_REVISION = "060db6499f32faf8b98477b0a26969ef7d8b9987"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", default="tatsu-lab/alpaca")
    parser.add_argument("--output-dir", default="./out")
    args = parser.parse_args()

    tokenizer = AutoTokenizer.from_pretrained(BASE_MODEL, revision=BASE_REVISION)
    model = AutoModelForCausalLM.from_pretrained(BASE_MODEL)  # not pinned: follows main
    train = load_dataset(args.dataset, split="train")
    judge = AutoModelForCausalLM.from_pretrained("microsoft/phi-2", revision="main", trust_remote_code=True)

    trainer = Trainer(model=model, args=TrainingArguments(args.output_dir), train_dataset=train,
                      tokenizer=tokenizer)
    trainer.train()
    del judge


if __name__ == "__main__":
    main()
