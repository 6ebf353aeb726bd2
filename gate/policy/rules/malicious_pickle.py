"""malicious-pickle: a committed (or Hub) pickle would run dangerous code when loaded."""

from gate.policy.rules import Rule

RULE = Rule(
    id="malicious-pickle",
    default_severity="error",
    stage="pickle",
    description=(
        "The static pickle scan finds that loading this pickle-based file (raw pickle of any protocol, PyTorch or "
        "TorchScript zip, joblib plain or compressed, object .npy, a pickle inside any zip/tar/7z archive) would "
        "import or call something outside the allowlist of what real checkpoints carry."
    ),
    why=(
        "`pickle.load` / `torch.load` execute whatever the file tells them to: `os.system`, `subprocess`, `eval`, "
        "`exec`, `getattr` and `importlib` chains, nested `pickle.loads`. A model file is then a program run with "
        "your CI's or your users' credentials. The file was analysed statically and never loaded."
    ),
    fix=(
        "Delete the file and do not load it anywhere. Get the weights as safetensors from a trusted source "
        "(or convert a trusted copy with `safetensors`), and rotate any credential a previous load could have seen."
    ),
    bad_example="torch.load('model.pt')  # archive/data.pkl imports posix.system",
    good_example="safetensors.torch.load_file('model.safetensors')",
)
