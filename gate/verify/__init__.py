"""The verification stage: ask the Hub (and GitHub, for torch.hub) about each reference; findings out."""
