"""malicious-pickle: a committed (or Hub) pickle would run dangerous code when loaded."""

from gate.policy.rules import Rule

RULE = Rule(
    id="malicious-pickle",
    default_severity="error",
    stage="pickle",
    description=(
        "fickling's static analysis finds that loading this pickle-based file (raw pickle, PyTorch zip, "
        "joblib, object .npy) would import or call something that can run arbitrary code."
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
