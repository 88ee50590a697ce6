{% macro figures_differ(left, right, columns=['dau', 'wau', 'mau', 'total_users']) -%}
    {#- True when any of the figures differs between a row of `left` and one of
        `right` (both present): the comparison of published figures that the
        revisions ledger and the consistency tests share. -#}
    ({% for column in columns -%}
        {{ left }}.{{ column }} != {{ right }}.{{ column }}
        {%- if not loop.last %} or {% endif %}
    {%- endfor %})
{%- endmacro %}
