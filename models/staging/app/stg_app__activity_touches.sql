{% set source_relation = source('app', 'activity_touches') %}

with

source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        cast(id as {{ dbt.type_bigint() }}) as activity_touch_id,
        cast(user_id as {{ dbt.type_bigint() }}) as user_id,
        {{ activity_metrics.to_utc_timestamp(source_relation, 'touched_at') }}
            as touched_at,
        cast(event_type as {{ dbt.type_string() }}) as event_type,
        cast(operation_name as {{ dbt.type_string() }}) as operation_name,
        {{ activity_metrics.source_loaded_at(source_relation, 'activity_touches') }}
            as source_loaded_at
    from source

)

select * from renamed
