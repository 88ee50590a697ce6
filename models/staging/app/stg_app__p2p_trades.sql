{% set source_relation = source('app', 'p2p_trades') %}

with

source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        cast(id as {{ dbt.type_bigint() }}) as p2p_trade_id,
        cast(buyer_user_id as {{ dbt.type_bigint() }}) as buyer_user_id,
        cast(seller_user_id as {{ dbt.type_bigint() }}) as seller_user_id,
        cast(status as {{ dbt.type_string() }}) as status,
        {{ activity_metrics.to_utc_timestamp(source_relation, 'created_at') }}
            as created_at,
        {{ activity_metrics.source_loaded_at(source_relation, 'p2p_trades') }}
            as source_loaded_at
    from source

)

select * from renamed
