{% macro activity_categories() %}
    {#- Every activity category; the user-day fact has a count per category.
        The seed activity_event_types may only use these. -#}
    {{- return([
        'session', 'mutation', 'transaction', 'p2p', 'account',
        'achievement', 'business',
    ]) -}}
{% endmacro %}
