"""Runs a vern torchtitan bundle with torchtitan's own Trainer in one CPU process.

usage: run_cpu.py BUNDLE [torchtitan overrides...]

torchtitan 0.2.2 picks "cuda" when no accelerator is found, so on CPU its device and memory monitor
calls fail; its maintainers describe a single process with FSDP off as what can run on CPU "with some
tweaks". The tweak here: after torchtitan is imported, its device type becomes "cpu" and its device
module a stand-in that answers the few calls the trainer makes (set_device, memory statistics).
Nothing else of torchtitan is changed.
"""
import os
import sys
import types

import torch

bundle = os.path.abspath(sys.argv[1])
sys.path.insert(0, bundle)
# torchtitan's ConfigManager.parse_args takes sys.argv[1:] as a default argument, fixed when the module
# is imported: the arguments must be torchtitan's before any torchtitan import.
sys.argv = [sys.argv[0], "--job.config_file", os.path.join(bundle, "job.toml"), *sys.argv[2:]]
for name, value in {"RANK": "0", "LOCAL_RANK": "0", "WORLD_SIZE": "1", "LOCAL_WORLD_SIZE": "1",
                    "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "29517"}.items():
    os.environ.setdefault(name, value)


class CPUDevice(types.SimpleNamespace):
    """The device-module calls torchtitan's trainer and memory monitor make, answered for the CPU."""

    def __getattr__(self, name):
        return getattr(torch.cpu, name)

    def set_device(self, device):
        pass

    def current_device(self):
        return 0

    def get_device_name(self, device=None):
        return "cpu"

    def get_device_properties(self, device=None):
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        return types.SimpleNamespace(total_memory=pages)

    def reset_peak_memory_stats(self, device=None):
        pass

    def empty_cache(self):
        pass

    def memory_stats(self, device=None):
        return {"active_bytes.all.peak": 0, "reserved_bytes.all.peak": 0, "num_alloc_retries": 0, "num_ooms": 0}

    def synchronize(self, device=None):
        pass

    def is_available(self):
        return True

    def device_count(self):
        return 1


from torchtitan.train import Trainer, main  # noqa: E402

# torchtitan's modules copy device_type and device_module from torchtitan.tools.utils when they are
# imported (the package's __init__ imports several): set both wherever a copy was taken.
cpu = CPUDevice()
for name, module in list(sys.modules.items()):
    if name.startswith("torchtitan") and module is not None:
        if getattr(module, "device_type", None) == "cuda":
            module.device_type = "cpu"
        if getattr(module, "device_module", None) is torch.cuda:
            module.device_module = cpu

os.chdir(bundle)
main(Trainer)
