"""The GitHub Action: `python -m gate.action` inside the container. Reads INPUT_* and GITHUB_* and wires stages."""
