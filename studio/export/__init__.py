"""Hand-off exports: storyboard PDF, contact sheet, shot lists, editor timelines, review bundles (and their import).

Qt-free and torch-free at import; each format's library loads only when that format is written.
"""

from studio.export.bundle import (
    BundleLimits,
    CampaignExport,
    CampaignExportRequest,
    ImportReport,
    ImportRequest,
    Refusal,
    export_campaign,
    import_bundle,
)
from studio.export.variant import EXPORT_KINDS, ExportRequest, ExportResult, export_variant

__all__ = [
    "EXPORT_KINDS",
    "BundleLimits",
    "CampaignExport",
    "CampaignExportRequest",
    "ExportRequest",
    "ExportResult",
    "ImportReport",
    "ImportRequest",
    "Refusal",
    "export_campaign",
    "export_variant",
    "import_bundle",
]
