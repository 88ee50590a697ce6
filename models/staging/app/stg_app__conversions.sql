{% set source_relation = source('app', 'conversions') %}

with

source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        cast(id as {{ dbt.type_bigint() }}) as conversion_id,
        cast(user_id as {{ dbt.type_bigint() }}) as user_id,
        cast(from_currency as {{ dbt.type_string() }}) as from_currency,
        cast(to_currency as {{ dbt.type_string() }}) as to_currency,
        cast(amount as {{ dbt.type_numeric() }}) as amount,
        cast(status as {{ dbt.type_string() }}) as status,
        {{ activity_metrics.to_utc_timestamp(source_relation, 'created_at') }}
            as created_at,
        {{ activity_metrics.source_loaded_at(source_relation, 'conversions') }}
            as source_loaded_at
    from source

)

select * from renamed
