"""Imports every module that registers build features (generators, validators,
transforms) with :mod:`kb.build_support`. The hooks import this one module."""

from . import glossary  # noqa: F401
from . import handout  # noqa: F401
from . import translations  # noqa: F401  (stale-translation notice)
from . import i18n_html  # noqa: F401
from . import collections  # noqa: F401
from . import tooltips  # noqa: F401  (term tooltips)
from . import build_checks  # noqa: F401  (missing translations, related IDs)
