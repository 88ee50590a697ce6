{% set source_relation = source('app', 'p2p_messages') %}

with

source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        cast(id as {{ dbt.type_bigint() }}) as p2p_message_id,
        cast(trade_id as {{ dbt.type_bigint() }}) as p2p_trade_id,
        cast(sender_user_id as {{ dbt.type_bigint() }}) as sender_user_id,
        {{ activity_metrics.to_utc_timestamp(source_relation, 'created_at') }}
            as created_at,
        {{ activity_metrics.source_loaded_at(source_relation, 'p2p_messages') }}
            as source_loaded_at
    from source

)

select * from renamed
