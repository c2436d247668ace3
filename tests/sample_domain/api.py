from ninja import Router

router = Router(tags=["sample"])


@router.get("/things", response=list[str])
def things(request):
    return ["one thing"]
