"""The build's features, listed once, in the order they run.

Adding a feature: write it as a plain function in its own module under
``kb/build/`` (typed by the aliases in :mod:`kb.build.registry`), test it on
its own, and add it to the right list here. The order of each list is the
order of the calls: e.g. the stale-translation notice is prepended before the
"referenced by" section is appended, and tooltips are thinned last, once every
other late transform has added its HTML.
"""

from __future__ import annotations

from . import (
    backlinks,
    citations,
    collection_index,
    handout,
    i18n_html,
    redirects,
    search,
    set_pages,
    share,
    stale,
    tooltips,
    validators,
)
from .list_coverage import list_coverage
from .registry import Registry


def registry() -> Registry:
    """A new registry with every feature of the site (Markdown generators come
    from :mod:`kb.model.generated`)."""
    return Registry(
        markdown_transforms=[citations.render_citations],
        validators=[
            validators.front_matter_readable,
            validators.front_matter_schema,
            validators.translation_exists,
            validators.collection_ids_valid,
        ],
        site_validators=[
            validators.related_ids_exist,
            validators.collections_have_their_index,
            set_pages.set_refs_valid,
        ],
        html_transforms=[i18n_html.permalink_title, tooltips.term_tooltips],
        late_generators={
            "handout": handout.handout,
            "collection-index": collection_index.collection_index,
            "set-items": set_pages.set_items,
            "list-coverage": list_coverage,
        },
        late_transforms=[
            stale.prepend_stale_notice,
            backlinks.referenced_by_section,
            set_pages.used_in_sets,
            share.share_box,
            tooltips.one_tooltip_per_term,
        ],
        post_build=[search.minify_search_worker, redirects.write_redirects],
    )
