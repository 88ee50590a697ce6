{% set source_relation = source('app', 'accounts') %}

with

source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        cast(id as {{ dbt.type_bigint() }}) as account_id,
        cast(user_id as {{ dbt.type_bigint() }}) as user_id,
        cast(account_type as {{ dbt.type_string() }}) as account_type,
        {{ activity_metrics.to_utc_timestamp(source_relation, 'created_at') }}
            as created_at,
        {{ activity_metrics.source_loaded_at(source_relation, 'accounts') }}
            as source_loaded_at
    from source

)

select * from renamed
