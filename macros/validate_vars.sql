{% macro validate_vars() %}
    {#- on-run-start: fail early, before any SQL runs, with one message that
        names every bad var (not only the first). -#}
    {%- set problems = [] -%}
    {%- set zone_problem = activity_metrics.timezone_problem() -%}
    {%- if zone_problem is not none -%}
        {%- do problems.append(zone_problem) -%}
    {%- endif -%}
    {%- for name in [
        'activity__as_of_date',
        'activity__backfill_start_date',
        'activity__backfill_end_date',
        'activity__plausible_from_date',
        'activity__plausible_until_date',
    ] -%}
        {%- set problem = activity_metrics.date_var_problem(name) -%}
        {%- if problem is not none -%}
            {%- do problems.append(problem) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set environment_date = env_var('ACTIVITY_AS_OF_DATE', '') | trim
        if execute else '' -%}
    {%- if environment_date != '' -%}
        {%- set problem = activity_metrics.date_text_problem(
            'ACTIVITY_AS_OF_DATE', environment_date) -%}
        {%- if problem is not none -%}
            {%- do problems.append(problem) -%}
        {%- endif -%}
    {%- endif -%}
    {%- for name in activity_metrics.var_rules() -%}
        {%- set problem = activity_metrics.var_problem(name) -%}
        {%- if problem is not none -%}
            {%- do problems.append(problem) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not modules.re.match('^[A-Za-z_][A-Za-z0-9_]{0,62}$', target.schema) -%}
        {%- do problems.append(
            "the profile's schema '" ~ target.schema ~ "' (ACTIVITY_POSTGRES_SCHEMA,"
            ~ " ACTIVITY_DUCKDB_SCHEMA or ACTIVITY_SPARK_SCHEMA with the project's profile)"
            ~ " is not a plain SQL identifier (letters, digits, underscores).") -%}
    {%- endif -%}
    {%- set loaded_at_columns = var('activity__loaded_at_columns', {}) -%}
    {%- set source_names = activity_metrics.activity_sources()
        | map(attribute='source_name') | list -%}
    {%- if loaded_at_columns is not mapping -%}
        {%- do problems.append(
            "activity__loaded_at_columns must map source names to column names,"
            ~ " e.g. {send_transactions: _fivetran_synced}.") -%}
    {%- else -%}
        {%- for source_name, column in loaded_at_columns.items() -%}
            {%- if source_name not in source_names -%}
                {%- do problems.append(
                    "activity__loaded_at_columns: '" ~ source_name
                    ~ "' is not an activity source (" ~ source_names | join(', ')
                    ~ ").") -%}
            {%- endif -%}
            {%- if not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', column | string) -%}
                {%- do problems.append(
                    "activity__loaded_at_columns: '" ~ column
                    ~ "' is not a column name.") -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if problems -%}
        {{- exceptions.raise_compiler_error(
            (problems | length) ~ " var" ~ ('s are' if problems | length > 1 else ' is')
            ~ " wrong (nothing ran):\n  - " ~ problems | join('\n  - ')) -}}
    {%- endif -%}
    {#- the vars are each well-formed: now how they go together -#}
    {%- if activity_metrics.checked_date_var('activity__plausible_from_date') is none
        or activity_metrics.checked_date_var('activity__plausible_until_date') is none
        or activity_metrics.checked_date_var('activity__plausible_from_date')
        > activity_metrics.checked_date_var('activity__plausible_until_date') -%}
        {{- exceptions.raise_compiler_error(
            "vars activity__plausible_from_date and activity__plausible_until_date"
            ~ " must both be set, the first not after the second.") -}}
    {%- endif -%}
    {%- set start = var('activity__backfill_start_date', none) -%}
    {%- set end = var('activity__backfill_end_date', none) -%}
    {%- if (start is none) != (end is none) -%}
        {{- exceptions.raise_compiler_error(
            "Set both activity__backfill_start_date and "
            ~ "activity__backfill_end_date, or neither.") -}}
    {%- endif -%}
    {%- if start is not none and (start | string) > (end | string) -%}
        {{- exceptions.raise_compiler_error(
            "activity__backfill_start_date is after "
            ~ "activity__backfill_end_date.") -}}
    {%- endif -%}
    {%- if var('activity__wau_days') > var('activity__mau_days') -%}
        {{- exceptions.raise_compiler_error(
            "activity__wau_days must not exceed activity__mau_days.") -}}
    {%- endif -%}
    {%- if execute and flags.WHICH in ('build', 'run') -%}
        {{- activity_metrics.check_raw_tables_exist() -}}
        {{- activity_metrics.check_as_of_reaches_the_data() -}}
        {{- activity_metrics.check_reporting_timezone_unchanged() -}}
    {%- endif -%}
{% endmacro %}

{% macro var_rules() %}
    {#- Every var that reaches SQL text, and what it must be. -#}
    {{- return({
        'activity__wau_days': ['whole number', 1],
        'activity__mau_days': ['whole number', 1],
        'activity__id_margin': ['whole number', 0],
        'activity__loaded_at_margin_hours': ['whole number', 0],
        'activity__validation_days': ['whole number', 1],
        'activity__cooldown_minutes': ['whole number', 0],
        'activity__freshness_warn_hours': ['whole number', 1],
        'activity__freshness_error_hours': ['whole number', 1],
        'activity__coverage_threshold': ['share', none],
        'activity__coverage_min_users_per_day': ['whole number', 0],
        'activity__closed_after_days': ['whole number', 0],
        'activity__restatement_threshold_pct': ['percent', none],
        'activity__anomaly_detection_days': ['whole number', 1],
        'activity__anomaly_training_weeks': ['whole number', 3],
        'activity__anomaly_min_training_weeks': ['whole number', 3],
        'activity__anomaly_sensitivity': ['positive number', none],
        'activity__anomaly_min_change_pct': ['percent', none],
        'activity__anomaly_min_expected': ['whole number', 0],
        'activity__postgres_work_mem': ['memory size', none],
        'activity__source_schema': ['identifier', none],
    }) -}}
{% endmacro %}

{% macro checked_var(name) %}
    {#- The value of a var of var_rules(), or a compile error that names it:
        read vars through this wherever they are written into SQL. At parse
        time (no SQL runs) a bad value passes, so that on-run-start can name
        every bad var at once, before any statement. -#}
    {%- set problem = activity_metrics.var_problem(name) -%}
    {%- if problem is not none and execute -%}
        {{- exceptions.raise_compiler_error(problem) -}}
    {%- elif problem is not none -%}
        {#- parse time: a harmless stand-in of the right kind -#}
        {%- set kind, minimum = activity_metrics.var_rules()[name] -%}
        {{- return({'whole number': minimum, 'share': 1, 'percent': 1, 'memory size': '64MB',
            'positive number': 1,
            'identifier': 'not_a_valid_var'}[kind]) -}}
    {%- endif -%}
    {%- if name == 'activity__source_schema' -%}
        {{- return(var(name, env_var('ACTIVITY_SOURCE_SCHEMA', 'app'))) -}}
    {%- endif -%}
    {{- return(var(name)) -}}
{% endmacro %}

{% macro var_problem(name) %}
    {#- What is wrong with a var of var_rules(), or none. -#}
    {%- set kind, minimum = activity_metrics.var_rules()[name] -%}
    {%- if name == 'activity__source_schema' -%}
        {%- set value = var(name, env_var('ACTIVITY_SOURCE_SCHEMA', 'app')) -%}
        {%- set name = name ~ ' (default $ACTIVITY_SOURCE_SCHEMA)' -%}
    {%- else -%}
        {%- set value = var(name) -%}
    {%- endif -%}
    {%- if kind == 'whole number' -%}
        {%- set ok = value is number and value is not boolean
            and value == (value | int) and value >= minimum -%}
        {%- set expected = 'a whole number >= ' ~ minimum -%}
    {%- elif kind == 'share' -%}
        {%- set ok = value is number and value is not boolean
            and value > 0 and value <= 1 -%}
        {%- set expected = 'a number above 0 and at most 1 (0.95 is 95%)' -%}
    {%- elif kind == 'percent' -%}
        {%- set ok = value is number and value is not boolean
            and value >= 0 and value <= 100 -%}
        {%- set expected = 'a number from 0 to 100 (0.5 is half a percent)' -%}
    {%- elif kind == 'positive number' -%}
        {%- set ok = value is number and value is not boolean and value > 0 -%}
        {%- set expected = 'a number above 0 (4 or 3.5)' -%}
    {%- elif kind == 'memory size' -%}
        {%- set ok = value is string and modules.re.match(
            '^[0-9]{1,9}(kB|MB|GB)$', value) is not none -%}
        {%- set expected = "a PostgreSQL memory size such as '256MB' (kB, MB or GB)" -%}
    {%- else -%}
        {%- set ok = value is string and modules.re.match(
            '^[A-Za-z_][A-Za-z0-9_]{0,62}$', value) is not none -%}
        {%- set expected = 'a plain SQL identifier (letters, digits, underscores)' -%}
    {%- endif -%}
    {%- if ok -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set shown = ('"' ~ value ~ '"') if value is string else (value | string) -%}
    {{- return("var " ~ name ~ "=" ~ shown ~ " must be " ~ expected ~ ".") -}}
{% endmacro %}

{% macro checked_date_var(name) %}
    {#- A date var as 'YYYY-MM-DD' (none when unset or empty), or a compile
        error that names it. -#}
    {%- set problem = activity_metrics.date_var_problem(name) -%}
    {%- if problem is not none and execute -%}
        {{- exceptions.raise_compiler_error(problem) -}}
    {%- elif problem is not none -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set value = var(name, none) -%}
    {%- if value is none or value | string | trim == '' -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return(value | string | trim) -}}
{% endmacro %}

{% macro date_var_problem(name) %}
    {#- What is wrong with a date var (YYYY-MM-DD, or unset), or none. -#}
    {%- set value = var(name, none) -%}
    {%- if value is none or value | string | trim == '' -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return(activity_metrics.date_text_problem('var ' ~ name, value)) -}}
{% endmacro %}

{% macro date_text_problem(label, value) %}
    {#- What is wrong with a date given as text (YYYY-MM-DD), or none. -#}
    {%- set text = value | string | trim -%}
    {%- set ok = modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) is not none -%}
    {%- if ok -%}
        {%- set year, month, day = text.split('-') | map('int') | list -%}
        {%- set ok = year >= 1 and month >= 1 and month <= 12 and day >= 1 -%}
        {%- if ok -%}
            {%- set month_end = modules.datetime.date(
                year + month // 12, month % 12 + 1, 1)
                - modules.datetime.timedelta(days=1) -%}
            {%- set ok = day <= month_end.day -%}
        {%- endif -%}
    {%- endif -%}
    {%- if ok -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return(label ~ '="' ~ value ~ '" is not a date (YYYY-MM-DD).') -}}
{% endmacro %}

{% macro check_as_of_reaches_the_data() %}
    {#- A build as of a day before the first counted activity would replace
        the published marts with empty ones, and one as of a day in the
        future would publish days that have no data yet (DAU 0): stop first,
        and leave them. -#}
    {%- set as_of = activity_metrics.as_of_date() -%}
    {%- set zone = modules.pytz.timezone(activity_metrics.reporting_timezone()) -%}
    {%- set today = modules.datetime.datetime.now(zone).date().isoformat() -%}
    {%- if as_of > today -%}
        {{- exceptions.raise_compiler_error(
            "the as-of date " ~ as_of ~ " is in the future (today is " ~ today
            ~ " in " ~ activity_metrics.reporting_timezone() ~ "): its days have no"
            ~ " data yet, so nothing was built and the published marts are left as"
            ~ " they were.") -}}
    {%- endif -%}
    {%- set fact = activity_metrics.stored_relation('fct_user_days') -%}
    {%- if fact is none -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set first = run_query('select min(activity_date) from ' ~ fact).rows[0][0] -%}
    {%- if first is not none and as_of < (first | string)[:10] -%}
        {{- exceptions.raise_compiler_error(
            "the as-of date " ~ as_of ~ " is before the first counted activity ("
            ~ (first | string)[:10] ~ "): nothing would be published, so nothing"
            ~ " was built and the published marts are left as they were.") -}}
    {%- endif -%}
{% endmacro %}

{% macro check_reporting_timezone_unchanged() %}
    {#- Every stored local day is a day of the zone the warehouse was built
        in (int_users_tracked keeps it on its rows): a build in another zone
        would mix two zones. Stop first, unless it is a full refresh. -#}
    {%- set users = activity_metrics.stored_relation('int_users_tracked') -%}
    {%- if users is none or flags.FULL_REFRESH -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set rows = run_query(
        'select max(reporting_timezone) from ' ~ users
        ~ ' where dbt_loaded_at = (select max(dbt_loaded_at) from ' ~ users ~ ')').rows -%}
    {%- set built_in = rows[0][0] if rows | length > 0 else none -%}
    {%- set zone = activity_metrics.reporting_timezone() -%}
    {%- if built_in is not none and built_in != zone -%}
        {{- exceptions.raise_compiler_error(
            "activity__timezone is '" ~ zone ~ "' but the warehouse was built in '"
            ~ built_in ~ "': every stored local day is in that zone."
            ~ " Rebuild in the new zone with `dbt build --full-refresh`"
            ~ " (activity-metrics build --full-refresh), or set the var back.") -}}
    {%- endif -%}
{% endmacro %}
