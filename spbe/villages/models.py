"""The villages app's models, by module; transfers live in :mod:`spbe.villages.models_transfers`."""

from .models_transfers import ScenarioSource, TransferAllocation, TransferKind, TransferScenario

__all__ = ["ScenarioSource", "TransferAllocation", "TransferKind", "TransferScenario"]
