#!/usr/bin/env bash
# Fetch the fine-tuned weights and serve them with vLLM.
set -euo pipefail

hf download Qwen/Qwen2.5-0.5B-Instruct \
    --revision 7ae557604adf67be50417f59c2c2f167def9a775 \
    --local-dir ./weights/instruct

vllm serve mistralai/Mistral-7B-Instruct-v0.3 --port 8000

curl -L -o tokenizer.json \
    https://huggingface.co/Qwen/Qwen2.5-0.5B/resolve/main/tokenizer.json
