{% set source_relation = source('app', 'p2p_confirmations') %}

with

source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        cast(id as {{ dbt.type_bigint() }}) as p2p_confirmation_id,
        cast(trade_id as {{ dbt.type_bigint() }}) as p2p_trade_id,
        cast(user_id as {{ dbt.type_bigint() }}) as user_id,
        cast(confirmation_type as {{ dbt.type_string() }}) as confirmation_type,
        {{ activity_metrics.to_utc_timestamp(source_relation, 'created_at') }}
            as created_at,
        {{ activity_metrics.source_loaded_at(source_relation, 'p2p_confirmations') }}
            as source_loaded_at
    from source

)

select * from renamed
